"""Notebook 01, Security, Identity & Compliance, in three parts, one module each.

``scenario`` holds the fictional organization every part uses (accounts, Regions, request helpers), so
that a notebook can show exactly what the checker uses. ``part1`` (IAM and Organizations, 1.1-1.8),
``part2`` (KMS, secrets and certificates, 1.9-1.14) and ``part3`` (detection and protection, 1.15-1.19)
register their exercises when imported.
"""
