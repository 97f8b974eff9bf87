"""Which addresses the fetcher may reach: public ones, plus whatever the operator's allow-list names."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from extractors.errors import BlockedURL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Instance-metadata services hand out cloud credentials; named as such even where a range below also covers them.
METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle
    "169.254.170.2",  # AWS ECS task metadata
    "169.254.170.23",  # AWS EKS pod identity
    "100.100.100.200",  # Alibaba Cloud
    "168.63.129.16",  # Azure WireServer: a public address that only answers inside Azure
    "fd00:ec2::254",  # AWS over IPv6
    "fd00:ec2::23",  # AWS EKS pod identity over IPv6
))

# IANA special-purpose ranges, written out rather than read from ipaddress's flags, which differ between Python
# versions (3.11.7 calls ::ffff:127.0.0.1 not loopback). The first match names the class.
_SPECIAL: tuple[tuple[Network, str], ...] = tuple((ipaddress.ip_network(net), name) for net, name in (
    ("0.0.0.0/8", "unspecified"),  # connecting to 0.0.0.0 reaches this host on Linux
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "carrier-grade NAT (shared address space)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"),
    ("192.0.2.0/24", "reserved"),  # documentation
    ("192.88.99.0/24", "reserved"),  # 6to4 relay anycast
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "reserved"),  # benchmarking
    ("198.51.100.0/24", "reserved"),
    ("203.0.113.0/24", "reserved"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),  # includes the broadcast address
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "private"),  # site-local, deprecated
    ("fc00::/7", "private"),  # unique local
    ("ff00::/8", "multicast"),
    ("64:ff9b:1::/48", "private"),  # local-use NAT64
    ("2001:db8::/32", "reserved"),  # documentation
    ("2001::/23", "reserved"),  # IETF protocol assignments, Teredo among them
))
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_INET_ATON = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$")
_HOST_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$")


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and routes to: IPv4-mapped, 6to4 or NAT64 (64:ff9b::/96)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_class(ip: IPAddress) -> str | None:
    """Why `ip` is not a public internet address ('loopback', 'cloud metadata', ...), or None when it is."""
    if ip in METADATA:
        return "cloud metadata"
    inner = embedded_ipv4(ip)
    if inner is not None:
        named = address_class(inner)
        return f"{named} (as {inner})" if named else None
    for network, name in _SPECIAL:
        if ip.version == network.version and ip in network:
            return name
    if isinstance(ip, ipaddress.IPv6Address) and ip not in _GLOBAL_UNICAST_V6:
        return "reserved"
    return None if ip.is_global else "reserved"


def host_literal(host: str) -> IPAddress | None:
    """The address a URL host spells, in any form the C resolver takes (2130706433, 0177.0.0.1, 0x7f.1, [::1]);
    None for a host name."""
    host = host.strip("[]").rstrip(".").lower()
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _INET_ATON.match(host):
        try:  # inet_aton parses numbers only, never the network, and is what getaddrinfo falls back to
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """Refuse non-public addresses unless the allow-list names the host (exact name) or a range holding the address,
    optionally on one port only."""

    networks: tuple[tuple[Network, int | None], ...] = ()
    hosts: tuple[tuple[str, int | None], ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AddressPolicy:
        """From entries like '10.0.0.0/8', '127.0.0.1:8765', '[::1]', 'intranet.example', 'feeds.local:8080'."""
        networks: list[tuple[Network, int | None]] = []
        hosts: list[tuple[str, int | None]] = []
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            host, port = _split_port(entry)
            literal = host_literal(host)
            try:
                network = ipaddress.ip_network(host, strict=False) if "/" in host else None
            except ValueError as exc:
                raise ValueError(f"fetch allow-list entry {raw!r}: {exc}") from exc
            if network is None and literal is not None:
                network = ipaddress.ip_network(literal)
            if network is not None:
                networks.append((network, port))
            elif _HOST_NAME.match(host.rstrip(".")):
                hosts.append((host.rstrip("."), port))
            else:
                raise ValueError(f"fetch allow-list entry {raw!r} is neither a host name, an address nor a CIDR range")
        return cls(tuple(networks), tuple(hosts))

    def refusal(self, host: str, port: int, ip: IPAddress) -> str | None:
        """Why a connection to `ip` (for `host`) is refused, or None when it is allowed."""
        name = host.strip("[]").rstrip(".").lower()
        if any(h == name and p in (None, port) for h, p in self.hosts):
            return None
        kind = address_class(ip)
        if kind is None:
            return None
        inner = embedded_ipv4(ip)
        for network, allowed_port in self.networks:
            if allowed_port not in (None, port):
                continue
            # A metadata address is admitted only by naming it, never by a range that happens to hold it.
            if kind == "cloud metadata" and network.num_addresses != 1:
                continue
            if any(a is not None and a.version == network.version and a in network for a in (ip, inner)):
                return None
        if _plain_address(name) == ip:
            return f"refused: {name} is {kind}"
        if host_literal(name) == ip:  # another spelling of the address, e.g. 2130706433
            return f"refused: {name} is {ip}, which is {kind}"
        return f"refused: {name} resolves to {ip}, which is {kind}"

    def check_literal(self, host: str, port: int) -> None:
        """Raise BlockedURL when `host` spells a refused address; host names wait for `resolve` at connect time."""
        ip = host_literal(host)
        if ip is not None and (reason := self.refusal(host, port, ip)):
            raise BlockedURL(reason)

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for `host`, every one of them checked; raises BlockedURL if any is refused
        (a name mixing public and internal addresses is not trusted), OSError if the name does not resolve."""
        literal = host_literal(host)
        if literal is not None:
            found = [literal]
        else:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            found = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))
        for ip in found:
            if reason := self.refusal(host, port, ip):
                raise BlockedURL(reason)
        return [str(ip) for ip in found]


def _plain_address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _split_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, _port(rest.removeprefix(":"), entry) if rest else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return host, _port(port, entry)
    return entry, None


def _port(text: str, entry: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"fetch allow-list entry {entry!r}: bad port {text!r}")
    return int(text)
