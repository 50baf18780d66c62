"""Shared exercise-style networks for the course.net tests (built in code: no files outside the repo)."""

from __future__ import annotations

from typing import Any

from course.net import NetworkBuilder, load, reach, sg_rule

WEB_EIP = "54.0.0.10"
NAT_EIP = "54.0.0.100"
INTERNET = "203.0.113.50"
S3_CIDR = "52.216.0.0/15"
S3_IP = "52.216.10.20"


def two_tier() -> NetworkBuilder:
    """vpc-a: a public web tier (IGW), a private app tier (NAT), and a db tier with no internet route."""
    return (
        NetworkBuilder()
        .vpc("vpc-a", "10.0.0.0/16")
        .subnet("subnet-pub", "vpc-a", "10.0.1.0/24", az="us-east-1a")
        .subnet("subnet-app", "vpc-a", "10.0.2.0/24", az="us-east-1a")
        .subnet("subnet-db", "vpc-a", "10.0.3.0/24", az="us-east-1b")
        .igw("igw-a", "vpc-a")
        .route_table("rtb-pub", "vpc-a", subnets=["subnet-pub"])
        .route("rtb-pub", "0.0.0.0/0", "igw-a")
        .nat("nat-a", "subnet-pub", "10.0.1.100", NAT_EIP)
        .route_table("rtb-app", "vpc-a", subnets=["subnet-app"])
        .route("rtb-app", "0.0.0.0/0", "nat-a")
        .sg("sg-web", "vpc-a", inbound=[sg_rule("tcp", 443, "0.0.0.0/0"), sg_rule("tcp", 22, "198.51.100.0/24")])
        .sg("sg-app", "vpc-a", inbound=[sg_rule("tcp", 8080, "sg-web")])
        .sg("sg-db", "vpc-a", inbound=[sg_rule("tcp", 5432, "sg-app")])
        .eni("eni-web", "subnet-pub", "10.0.1.10", public_ip=WEB_EIP, sgs=["sg-web"])
        .eni("eni-app", "subnet-app", "10.0.2.10", sgs=["sg-app"])
        .eni("eni-db", "subnet-db", "10.0.3.10", sgs=["sg-db"])
    )


def with_s3(b: NetworkBuilder, policy: dict[str, Any] | None = None) -> NetworkBuilder:
    """Adds S3 (prefix list + public CIDR) and a gateway endpoint on the app tier's route table."""
    return (
        b.prefix_list("pl-63a5400a", "com.amazonaws.us-east-1.s3", [S3_CIDR])
        .service("s3", [S3_CIDR], prefix_list="pl-63a5400a")
        .gateway_endpoint("vpce-s3", "vpc-a", "s3", route_tables=["rtb-app"], policy=policy)
    )


def q(src: str, dst: str, port: int | None = 443, protocol: str = "tcp", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"src": src, "dst": dst, "protocol": protocol, "port": port}
    out.update(extra)
    return out


def answer(b: NetworkBuilder | dict[str, Any], query: dict[str, Any]) -> Any:
    doc = b.build() if isinstance(b, NetworkBuilder) else b
    return reach(load(doc), query)
