//! `callback.allow_from`: the source addresses the callback listener serves, for a till behind
//! a reverse proxy (the proxy's address) or one that knows the gateway's: addresses and CIDR
//! ranges, comma-separated (`10.0.0.5, 192.168.1.0/24, 2001:db8::/32`). Empty: every source.
//! A connection from elsewhere is closed before a byte is read. (The other option for a
//! proxied till: a secret path segment in `callback.path`, e.g.
//! `/ecommpay/callback/3f9c1e...`, which the proxy forwards and nobody else can guess.)

use std::net::IpAddr;

/// A parsed allow-list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList(Vec<(IpAddr, u8)>);

impl AllowList {
    /// Parses the setting; the error names the entry that is not an address or range.
    pub fn parse(text: &str) -> Result<AllowList, String> {
        let mut out = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (addr, len) = match entry.split_once('/') {
                Some((a, l)) => (a, Some(l)),
                None => (entry, None),
            };
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| format!("{entry:?} is not an IP address or range"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let len =
                match len {
                    None => max,
                    Some(l) => l.parse::<u8>().ok().filter(|l| *l <= max).ok_or_else(|| {
                        format!("{entry:?}: the prefix length must be 0 to {max}")
                    })?,
                };
            out.push((ip, len));
        }
        Ok(AllowList(out))
    }

    /// Whether `ip` may connect (always, for an empty list).
    pub fn permits(&self, ip: IpAddr) -> bool {
        // An IPv4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.0.is_empty() || self.0.iter().any(|(net, len)| in_range(ip, *net, *len))
    }
}

fn in_range(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    let (a, b, bits) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(a) as u128, u32::from(b) as u128, 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
        _ => return false,
    };
    if len == 0 {
        return true;
    }
    let shift = bits - u32::from(len);
    (a >> shift) == (b >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_ranges() {
        let l = AllowList::parse(" 10.0.0.5, 192.168.1.0/24 ,2001:db8::/32").unwrap();
        for ok in [
            "10.0.0.5",
            "192.168.1.200",
            "2001:db8::1",
            "::ffff:10.0.0.5",
        ] {
            assert!(l.permits(ok.parse().unwrap()), "{ok}");
        }
        for no in ["10.0.0.6", "192.168.2.1", "2001:db9::1", "127.0.0.1"] {
            assert!(!l.permits(no.parse().unwrap()), "{no}");
        }
        assert!(AllowList::parse("")
            .unwrap()
            .permits("8.8.8.8".parse().unwrap()));
        assert!(AllowList::parse("10.0.0.0/0")
            .unwrap()
            .permits("8.8.8.8".parse().unwrap()));
        for bad in ["10.0.0", "10.0.0.0/33", "example.com", "::/129"] {
            assert!(AllowList::parse(bad).is_err(), "{bad}");
        }
    }
}
