//! Where a slip's bytes go: `printer.address`.

use std::path::PathBuf;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

/// A parsed `printer.address`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A network printer (`tcp://HOST:PORT`; ESC/POS printers listen on 9100).
    Tcp { host: String, port: u16 },
    /// A line printer device (`/dev/usb/lp0`): written, never created.
    Device(PathBuf),
    /// A file: slips are appended (a spool another program prints, or a test's).
    File(PathBuf),
}

impl Address {
    pub fn parse(text: &str) -> Result<Address, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("empty".into());
        }
        if let Some(rest) = t.strip_prefix("tcp://") {
            let rest = rest.trim_end_matches('/');
            let (host, port) = rest
                .rsplit_once(':')
                .ok_or_else(|| format!("{t:?} has no port (tcp://HOST:PORT, usually 9100)"))?;
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let port: u16 = port
                .parse()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("{t:?}: the port must be 1 to 65535"))?;
            if host.is_empty() || host.contains(['/', ' ', '@']) {
                return Err(format!("{t:?}: not a host name or address"));
            }
            return Ok(Address::Tcp {
                host: host.to_owned(),
                port,
            });
        }
        if t.contains("://") {
            return Err(format!(
                "{t:?}: use tcp://HOST:PORT, a device like /dev/usb/lp0, or a file path"
            ));
        }
        if t.starts_with("/dev/") {
            return Ok(Address::Device(PathBuf::from(t)));
        }
        Ok(Address::File(PathBuf::from(t)))
    }

    /// Sends `bytes` to the printer: all of them, within `timeout`, or an error that says
    /// where it failed.
    pub async fn send(&self, bytes: &[u8], timeout: Duration) -> std::io::Result<()> {
        let fail = |what: &str, e: std::io::Error| {
            std::io::Error::new(e.kind(), format!("printer {self}: {what}: {e}"))
        };
        match self {
            Address::Tcp { host, port } => {
                let connect = tokio::net::TcpStream::connect((host.as_str(), *port));
                let mut stream = tokio::time::timeout(timeout, connect)
                    .await
                    .map_err(|_| fail("connect", timed_out()))?
                    .map_err(|e| fail("connect", e))?;
                let write = async {
                    stream.write_all(bytes).await?;
                    stream.flush().await?;
                    stream.shutdown().await
                };
                tokio::time::timeout(timeout, write)
                    .await
                    .map_err(|_| fail("send", timed_out()))?
                    .map_err(|e| fail("send", e))
            }
            Address::Device(path) | Address::File(path) => {
                let create = matches!(self, Address::File(_));
                let path = path.clone();
                let bytes = bytes.to_vec();
                let work = tokio::task::spawn_blocking(move || {
                    use std::io::Write;
                    let mut f = std::fs::OpenOptions::new()
                        .append(true)
                        .create(create)
                        .open(&path)?;
                    f.write_all(&bytes)?;
                    f.flush()
                });
                tokio::time::timeout(timeout, work)
                    .await
                    .map_err(|_| fail("write", timed_out()))?
                    .map_err(|e| fail("write", std::io::Error::other(e)))?
                    .map_err(|e| fail("write", e))
            }
        }
    }
}

fn timed_out() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in time")
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::Tcp { host, port } if host.contains(':') => write!(f, "tcp://[{host}]:{port}"),
            Address::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Address::Device(p) | Address::File(p) => write!(f, "{}", p.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse() {
        assert_eq!(
            Address::parse("tcp://192.168.1.50:9100").unwrap(),
            Address::Tcp {
                host: "192.168.1.50".into(),
                port: 9100
            }
        );
        assert_eq!(
            Address::parse("tcp://[::1]:9100").unwrap().to_string(),
            "tcp://[::1]:9100"
        );
        assert_eq!(
            Address::parse("/dev/usb/lp0").unwrap(),
            Address::Device("/dev/usb/lp0".into())
        );
        assert_eq!(
            Address::parse("/tmp/slips.bin").unwrap(),
            Address::File("/tmp/slips.bin".into())
        );
        for bad in [
            "",
            "tcp://printer",
            "tcp://:9100",
            "tcp://p:0",
            "tcp://p:70000",
            "http://p:9100",
        ] {
            assert!(Address::parse(bad).is_err(), "{bad}");
        }
    }
}
