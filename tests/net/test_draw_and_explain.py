"""The picture and the learner-facing text."""

from __future__ import annotations

import subprocess
import sys
import warnings

from matplotlib.figure import Figure

from course.net import NetworkBuilder, allow, draw, load, reach

from .helpers import INTERNET, q, two_tier
from .test_semantics import _central_egress, _peered


def test_draw_returns_a_figure_with_a_descriptive_title_and_no_warnings() -> None:
    net = load(_peered().build())
    ans = reach(net, q("eni-app", "eni-b", 8080))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = draw(net, highlight=ans)
        fig.canvas.draw()
    assert isinstance(fig, Figure)
    title = fig._suptitle.get_text()  # noqa: SLF001
    assert "eni-app" in title and "reachable" in title
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "2 VPC(s)" in texts and "Solid line = request" in texts


def test_blocked_path_is_red_and_reachable_path_is_green() -> None:
    b = two_tier().nacl("acl-web", "vpc-a", inbound=[allow(100, "tcp", 443)], outbound=[allow(100, "tcp", 443)],
                        subnets=["subnet-pub"])
    net = load(b.build())
    blocked = draw(net, highlight=reach(net, q(INTERNET, "eni-web", 443, src_port=49152)))
    colours = {line.get_color() for line in blocked.axes[0].lines}
    assert "#cf222e" in colours and "#1a7f37" not in colours
    ok = draw(load(two_tier().build()), highlight=reach(load(two_tier().build()), q(INTERNET, "eni-web", 443)))
    assert "#1a7f37" in {line.get_color() for line in ok.axes[0].lines}


def test_draw_in_a_fresh_agg_process_writes_nothing_to_stderr() -> None:
    code = (
        "import matplotlib; matplotlib.use('Agg');"
        "from course.net import draw, load, reach;"
        "from tests.net.test_semantics import _central_egress;"
        "from tests.net.helpers import q, INTERNET;"
        "net = load(_central_egress().build());"
        "fig = draw(net, highlight=reach(net, q('eni-spoke', INTERNET, 443)));"
        "import io; fig.savefig(io.BytesIO(), format='png');"
        "fig2 = draw(net); fig2.savefig(io.BytesIO(), format='png')"
    )
    proc = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_draw_without_highlight_on_a_bare_network() -> None:
    fig = draw(NetworkBuilder().vpc("vpc-x", "10.0.0.0/16").build())
    assert "VPC network diagram" in fig._suptitle.get_text()  # noqa: SLF001
    assert _central_egress  # the TGW picture is exercised in the subprocess test


def test_explanation_names_rule_and_ephemeral_port() -> None:
    b = two_tier().nacl("acl-0a1", "vpc-a", inbound=[allow(100, "tcp", 443)], outbound=[allow(100, "tcp", 443)],
                        subnets=["subnet-pub"])
    ans = reach(load(b.build()), q(INTERNET, "eni-web", 443, src_port=49152))
    first = str(ans).splitlines()[0]
    expected = "blocked at acl-0a1: rule 100 allows inbound 443, but the reply to port 49152 leaves through rule * deny"
    assert first == expected
    html = ans._repr_html_()
    assert "acl-0a1" in html and "<table>" in html and "&lt;" not in first


def test_reachable_explanation_and_html_escape() -> None:
    ans = reach(load(two_tier().build()), q(INTERNET, "eni-web", 443))
    assert str(ans).startswith("reachable: 203.0.113.50 -> eni-web (tcp 443)")
    assert bool(ans) is True
    assert "<script>" not in ans._repr_html_()


def test_draw_stays_a_function_after_use() -> None:
    import course.net

    course.net.draw(two_tier().build())
    assert callable(course.net.draw) and course.net.draw.__name__ == "draw"


# -- round two: new components, readable figures (#18 item 3) --------------------------------------------


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_fontsize"))]


def test_draw_shows_the_round_two_components() -> None:
    from .test_inspection import egress
    from .test_round_two import regional, with_lb

    fw = draw(egress().block_public_access("block-ingress").build())
    text = " ".join(_texts(fw))
    assert "vpce-fw" in text and "edge: rtb-edge" in text and "Block Public Access: block-ingress" in text
    lb = draw(with_lb().build())
    assert "lb-web\n(NLB, internet-facing)" in _texts(lb)
    assert any("regional NAT" in t for t in _texts(draw(regional().build())))


def test_legend_lists_only_what_is_drawn() -> None:
    labels = [t.get_text() for t in draw(two_tier().build()).axes[0].get_legend().get_texts()]
    assert labels == ["public subnet (route to an IGW)", "private subnet"]
    from .test_inspection import egress

    labels = [t.get_text() for t in draw(egress().build()).axes[0].get_legend().get_texts()]
    assert "firewall / GWLB endpoint subnet" in labels and "VPC peering" not in labels
    assert "public subnet (route to an IGW)" not in labels  # every subnet there routes via the firewall


def test_named_rules_are_drawn_and_the_blocking_one_is_added() -> None:
    b = two_tier().nacl("acl-db", "vpc-a", inbound=[allow(100, "tcp", 3306, "10.0.0.0/16")], outbound=[allow(100)],
                        subnets=["subnet-db"])
    net = load(b.build())
    fig = draw(net, reach(net, q("eni-app", "eni-db", 5432)), show=["rtb-app", "sg-db"])
    panels = [t for t in _texts(fig) if "(route table)" in t or "(network ACL)" in t or "(security group)" in t]
    assert len(panels) == 3
    joined = "\n".join(panels)
    assert "0.0.0.0/0 -> nat-a" in joined and "tcp 5432 with sg-app" in joined
    assert "rule 100 allows inbound tcp 3306 from 10.0.0.0/16" in joined and "rule * denies inbound all" in joined
    import pytest

    from course.net import NetworkError

    with pytest.raises(NetworkError) as info:
        draw(net, show=["rtb-nope"])
    assert info.value.path == "show"


def test_figure_is_readable_and_tight() -> None:
    from .test_inspection import egress

    fig = draw(egress().build(), show=["rtb-edge"])
    fig.canvas.draw()
    assert fig.dpi >= 100
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    for artist in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_fontsize")):
        if not artist.get_text() or not artist.get_visible():
            continue
        assert artist.get_fontsize() >= 8.5, artist.get_text()
        ext = artist.get_window_extent(renderer)
        assert box.x0 - 1 <= ext.x0 and ext.x1 <= box.x1 + 1 and box.y0 - 1 <= ext.y0 and ext.y1 <= box.y1 + 1, \
            artist.get_text()
    width, height = fig.get_size_inches()
    assert width * height < 80  # no acres of empty space for a one-VPC network


def test_many_vpcs_wrap_into_rows_instead_of_one_wide_strip() -> None:
    b = NetworkBuilder()
    for n in range(5):
        b.vpc(f"vpc-{n}", f"10.{n}.0.0/16").subnet(f"subnet-{n}a", f"vpc-{n}", f"10.{n}.1.0/24")
        b.subnet(f"subnet-{n}b", f"vpc-{n}", f"10.{n}.2.0/24")
    fig = draw(b.build())
    width, _ = fig.get_size_inches()
    assert width * fig.dpi <= 1200  # fits a notebook cell at 100% zoom without being scaled down
    assert draw(NetworkBuilder().build()).axes[0].get_legend() is None  # nothing drawn, no legend


def test_a_narrow_network_is_widened_so_nothing_is_cut() -> None:
    """One small VPC with S3: the Internet and AWS services boxes and a long title once stuck out of the
    figure (the boxes were cut at the axes' edges); the drawing now widens around them."""
    from course.notebooks import networking as lab

    title = "Question 2.5: a private subnet with an S3 gateway endpoint, drawn with its route table"
    fig = draw(lab.endpoint_base(), show=["rtb-private"], title=title)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    view = ax.bbox
    for patch in ax.patches:
        ext = patch.get_window_extent(renderer)
        assert view.x0 - 1 <= ext.x0 and ext.x1 <= view.x1 + 1, f"a box reaches past the drawing: {ext}"
    for text in (fig._suptitle, ax.get_legend()):  # noqa: SLF001
        ext = text.get_window_extent(renderer)
        assert fig.bbox.x0 <= ext.x0 and ext.x1 <= fig.bbox.x1, "the title or the legend sticks out"
    labels = [t.get_text() for t in ax.texts]
    assert "Internet" in labels and "AWS services: s3" in labels
