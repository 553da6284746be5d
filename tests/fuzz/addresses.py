"""Hostile URLs and local paths for the ingestion fuzz target, each to be refused (or to fail) in
one line: bad schemes, brackets, ports, IDNA, private and reserved hosts, control characters, very
long names, unknown users and missing folders.

No URL names a host that would need DNS: hosts are IP literals (private ones, refused before any
request), reserved names that cannot resolve, or malformed, so a fuzz run never touches the network.
"""

from __future__ import annotations

from hypothesis import strategies as st

#: hosts no request may reach: loopback and private (refused by the guard before any connection),
#: reserved names that cannot resolve, and malformed forms that must be refused when parsed
HOSTS = (
    "127.0.0.1",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "10.0.0.1",
    "169.254.169.254",
    "localhost",
    "0x7f000001",
    "2130706433",
    "[::1",
    "a..b",
    ".invalid",
    "xn--",
    "xn--zz-invalid.invalid",
    "bücher.invalid",
    "例え.invalid",
    "-bad-.invalid",
    "a" * 70 + ".invalid",
    "",
    " ",
    "user:pass@127.0.0.1",
    "127.0.0.1:0",
    "127.0.0.1:99999",
    "127.0.0.1:-1",
    "127.0.0.1:port",
)
SCHEMES = (
    "http://",
    "https://",
    "HTTP://",
    "hTtPs://",
    "ftp://",
    "file://",
    "javascript:",
    "data:",
    "//",
    "",
)


@st.composite
def hostile_url(draw: st.DrawFn) -> str:
    """A URL that must be refused (or fail) in one line: bad schemes, brackets, ports, IDNA, private
    and reserved hosts, control characters, very long paths."""
    scheme = draw(st.sampled_from(SCHEMES))
    host = draw(st.sampled_from(HOSTS))
    path = draw(
        st.sampled_from(["", "/", "/a b", "/%zz", "/%00", "/\t/x", "/?q=<b>&x=1#f", "/" + "p" * 3000, "/ü/é"])
    )
    noise = draw(st.sampled_from(["", " ", "\n", "\x00", "\u202e", "]", "[", "@", "\\"]))
    url = scheme + host + path + noise
    if not url.strip().strip("/\\").strip() or url.lstrip().startswith("/"):
        url = "http://127.0.0.1" + path + noise  # not a folder of this machine (the root would be walked)
    return url


@st.composite
def hostile_path(draw: st.DrawFn) -> str:
    """A local path that must be refused in one line: unknown users, names too long, missing
    folders, odd characters (a NUL cannot be passed on a command line, so none here). Never an
    existing folder: a name of spaces is stripped, and "../../ " would walk the whole machine."""
    name = draw(
        st.sampled_from(["x.txt", "a" * 300 + ".txt", "\u202eevil.txt", "new\nline.txt", "tab\tname", " x "])
    )
    base = draw(
        st.sampled_from(
            [
                "~nosuchuser9/",
                "~/no-such-dir-9/",
                "/nonexistent/dir/",
                "./missing/",
                "",
                "../" * 40 + "no-such-dir-9/",
                "/proc/no-such-9/",
            ]
        )
    )
    return base + name


def fuzz_inputs(max_inputs: int = 6) -> st.SearchStrategy[list[str]]:
    """A batch of hostile inputs (URLs and paths) to ingest beside a good file."""
    return st.lists(st.one_of(hostile_url(), hostile_path()), min_size=1, max_size=max_inputs)
