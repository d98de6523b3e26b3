//! Who is asking: the client address behind trusted proxies, and the key its counters are kept
//! under.
//!
//! A forwarding header (`X-Forwarded-For: client, proxy1, proxy2`) is written by whoever sends
//! the request, so it is believed only when the socket peer is a proxy the operator trusts
//! (`trusted_proxies`), and then read from the right: each proxy appends the address it saw, so
//! the right-most address that is not a trusted proxy is the first one no trusted party vouches
//! for beyond, and the client. Everything to its left could be made up.
//!
//! Counters are kept per IPv4 address and per IPv6 /64 (one subscriber usually holds a whole
//! /64, so keying single IPv6 addresses would give an attacker 2^64 fresh counters), under an
//! HMAC with a server key: the store never holds an address, and a stolen database cannot be
//! reversed by hashing all 2^32 IPv4 addresses.

use std::net::{IpAddr, Ipv6Addr};

use hmac::{KeyInit as _, Mac as _};

/// An address range (`10.0.0.0/8`, `2001:db8::/32`, or a single address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

fn bits(ip: IpAddr) -> (u128, u8) {
    match canonical(ip) {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, what a dual-stack socket reports) as IPv4.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

impl Cidr {
    /// Parses `address/prefix` or a bare address (a range of one).
    pub fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let network = canonical(address.parse::<IpAddr>().ok()?);
        let width = bits(network).1;
        let prefix = prefix.unwrap_or(width);
        (prefix <= width).then_some(Cidr { network, prefix })
    }

    /// Whether `ip` is in the range.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let (net, width) = bits(self.network);
        let (addr, addr_width) = bits(ip);
        if width != addr_width {
            return false;
        }
        let shift = u32::from(width - self.prefix);
        shift >= u32::from(width) || (net >> shift) == (addr >> shift)
    }
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the right-most address
/// of `header` that is not a trusted proxy (the left-most when all are). An address that does
/// not parse ends the walk: what is left of it cannot be trusted either.
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &[(String, String)],
    header: Option<&str>,
    trusted: &[Cidr],
) -> Option<IpAddr> {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|range| range.contains(ip));
    let peer = peer.map(canonical);
    let (Some(name), Some(peer_ip)) = (header, peer) else { return peer };
    if !is_trusted(peer_ip) {
        return Some(peer_ip);
    }
    let hops = headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).flat_map(|(_, v)| v.split(','));
    let hops: Vec<&str> = hops.map(str::trim).filter(|h| !h.is_empty()).collect();
    let mut client = peer_ip;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = canonical(ip);
                if !is_trusted(client) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    Some(client)
}

/// The part of an address that counts as one client: the IPv4 address, or the IPv6 /64.
pub fn counted_prefix(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

/// The key counters are kept under: HMAC-SHA256(server key, prefix), hex. An unknown address
/// (no peer) is one shared client, so it is limited, not free.
pub fn counter_key(address_key: &[u8], ip: Option<IpAddr>) -> String {
    let prefix = ip.map_or_else(|| "unknown".to_owned(), counted_prefix);
    let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(address_key) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this arm is unreachable.
        Err(_) => return prefix,
    };
    mac.update(b"inkan-client:");
    mac.update(prefix.as_bytes());
    crate::hex::hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    fn xff(value: &str) -> Vec<(String, String)> {
        vec![("x-forwarded-for".into(), value.into())]
    }

    #[test]
    fn ranges_contain_what_they_should() {
        let ten = Cidr::parse("10.0.0.0/8").expect("cidr");
        assert!(ten.contains(ip("10.1.2.3")) && !ten.contains(ip("11.0.0.1")));
        assert!(ten.contains(ip("::ffff:10.9.9.9")), "mapped IPv4 is IPv4");
        let one = Cidr::parse("127.0.0.1").expect("single");
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let all = Cidr::parse("0.0.0.0/0").expect("all");
        assert!(all.contains(ip("203.0.113.9")) && !all.contains(ip("2001:db8::1")));
        assert!(Cidr::parse("2001:db8::/32").expect("v6").contains(ip("2001:db8:ffff::1")));
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("proxy.example"), None);
    }

    #[test]
    fn the_header_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let trusted = [Cidr::parse("10.0.0.0/8").expect("cidr")];
        let spoofed = xff("198.51.100.7");
        let got = client_address(Some(ip("203.0.113.5")), &spoofed, Some("x-forwarded-for"), &trusted);
        assert_eq!(got, Some(ip("203.0.113.5")), "an untrusted peer cannot name another client");
        let got = client_address(Some(ip("10.0.0.2")), &spoofed, Some("x-forwarded-for"), &[]);
        assert_eq!(got, Some(ip("10.0.0.2")), "no trusted proxies: the peer");
    }

    #[test]
    fn the_right_most_untrusted_hop_wins() {
        let trusted = [Cidr::parse("10.0.0.0/8").expect("cidr")];
        // The client claims 198.51.100.7; the proxy appended the address it really saw.
        let headers = xff("198.51.100.7, 203.0.113.5, 10.0.0.3");
        let got = client_address(Some(ip("10.0.0.2")), &headers, Some("x-forwarded-for"), &trusted);
        assert_eq!(got, Some(ip("203.0.113.5")));
        let all_trusted = xff("10.0.0.9, 10.0.0.3");
        let got = client_address(Some(ip("10.0.0.2")), &all_trusted, Some("x-forwarded-for"), &trusted);
        assert_eq!(got, Some(ip("10.0.0.9")));
        let garbage = xff("not-an-ip, 10.0.0.3");
        let got = client_address(Some(ip("10.0.0.2")), &garbage, Some("x-forwarded-for"), &trusted);
        assert_eq!(got, Some(ip("10.0.0.3")), "the walk stops at what does not parse");
    }

    #[test]
    fn ipv6_counts_by_64_and_keys_are_keyed_hashes() {
        assert_eq!(counted_prefix(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(counted_prefix(ip("::ffff:192.0.2.1")), "192.0.2.1");
        let key = b"k".repeat(32);
        let a = counter_key(&key, Some(ip("2001:db8:1:2::1")));
        assert_eq!(a, counter_key(&key, Some(ip("2001:db8:1:2:ffff::9"))), "same /64, same counter");
        assert_ne!(a, counter_key(&key, Some(ip("2001:db8:1:3::1"))));
        assert_ne!(a, counter_key(&b"x".repeat(32), Some(ip("2001:db8:1:2::1"))), "keyed");
        assert_eq!(a.len(), 64);
        assert!(!a.contains("2001"));
    }
}
