"""What keeps the local web form safe: the Host check, markup-safe snippets, http-only links,
and the token that keeps other sites from posting to its forms."""

from __future__ import annotations

import hmac
import html
import ipaddress
import re
import socket
from collections.abc import Iterable

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


_MARK_SPLIT = re.compile(r"(<mark>|</mark>)")


def host_name(host_header: str) -> str:
    """The host name of a Host header, without its port, lower-cased (``[::1]:80`` -> ``::1``)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else ""
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def is_loopback(host: str) -> bool:
    """Whether a bind address only accepts connections from this machine."""
    host = host_name(host) if host.startswith("[") else host.lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(bound_host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Host header names to accept: the bound host, the loopback names, and ``extra``.

    When the server listens on every interface, this machine's own name and addresses are
    accepted too (as read from the local resolver), so other machines can reach it by them.
    """
    names = set(LOOPBACK_NAMES) | {host_name(h) for h in extra}
    bound = host_name(bound_host) if bound_host.startswith("[") else bound_host.lower()
    names.add(bound)
    if bound in ("0.0.0.0", "::", ""):
        try:
            hostname = socket.gethostname()
            _, aliases, addresses = socket.gethostbyname_ex(hostname)
            names.update(n.lower() for n in (hostname, *aliases, *addresses))
        except OSError:
            pass
    return frozenset(names)


def safe_snippet(snippet: str) -> str:
    """Re-escape highlighter output so that its ``<mark>`` tags are the only markup left.

    Text between the tags is unescaped and escaped again (quotes too), which is a no-op for
    correctly escaped input and makes anything else inert.
    """
    out: list[str] = []
    depth = 0
    for part in _MARK_SPLIT.split(snippet):
        if part == "<mark>":
            if depth == 0:
                out.append(part)
            depth += 1
        elif part == "</mark>":
            if depth == 1:
                out.append(part)
            depth = max(depth - 1, 0)
        elif part:
            out.append(html.escape(html.unescape(part), quote=True))
    if depth:
        out.append("</mark>")
    return "".join(out)


def http_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) URL, else ``None`` (never link ``javascript:`` and the like)."""
    if not url:
        return None
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    return url if scheme in ("http", "https") else None


def form_allowed(sent_token: str, token: str, fetch_site: str | None) -> bool:
    """Whether a form post comes from a page of this server: it carries the token its pages
    embed (another site cannot read it), and the browser does not say it is cross-site."""
    if fetch_site not in (None, "", "same-origin", "none"):
        return False
    return bool(sent_token) and hmac.compare_digest(sent_token.encode(), token.encode())
