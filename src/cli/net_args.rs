//! Network flags of `run`: timeouts, body cap, retries, rate limit, TLS trust and client
//! certificate, proxy, extra headers. Everything is read and checked before anything is sent, so
//! a bad file or value is a usage error (exit 2), never a failure of every case.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::exec::HttpOptions;

#[derive(clap::Args, Debug, Clone)]
pub struct NetArgs {
    /// Seconds to wait for each answer, body included.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub timeout: f64,
    /// Seconds to wait for a connection.
    #[arg(long, default_value_t = 5.0, value_name = "SECS")]
    pub connect_timeout: f64,
    /// Largest response body read, in bytes (the rest is cut and reported).
    #[arg(long, default_value_t = 1024 * 1024, value_name = "BYTES")]
    pub max_body: usize,
    /// Send at most this many requests, across the whole run: `N/s` or `N/min`.
    #[arg(long, value_name = "N/s")]
    pub rate: Option<String>,
    /// Tries again after a connection error (refused, reset while connecting), never once a
    /// request may have been sent: a password change must not be sent twice.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub retries: u32,
    /// Also trust the CA certificate(s) in this PEM file (a private CA or a self-signed server).
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Accept any server certificate. Prints a warning: anyone on the way can read the passwords.
    #[arg(long)]
    pub insecure: bool,
    /// Client certificate (PEM, may include the chain) for servers that ask for one; needs --key.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// Private key (PEM) of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Proxy for every request, loopback targets included. Without it HTTPS_PROXY, HTTP_PROXY and
    /// NO_PROXY apply, except to a target on this machine.
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Extra header on every request, e.g. an API gateway key (repeatable; values are redacted
    /// from every output).
    #[arg(long = "header", short = 'H', value_name = "'NAME: VALUE'")]
    pub headers: Vec<String>,
    /// Speak HTTP/2 to a plain-HTTP target without negotiating (h2c prior knowledge). HTTPS
    /// targets negotiate HTTP/2 by themselves.
    #[arg(long)]
    pub http2_prior_knowledge: bool,
}

impl NetArgs {
    /// The client options, with every file read and every value checked.
    pub fn to_options(&self) -> Result<HttpOptions, String> {
        if self.max_body == 0 {
            return Err("--max-body must be at least 1 byte".into());
        }
        let ca_pem = match &self.cacert {
            Some(path) => {
                let pem = read(path, "--cacert")?;
                HttpOptions::check_ca_pem(&pem)
                    .map_err(|e| format!("--cacert {}: {e}", path.display()))?;
                Some(pem)
            }
            None => None,
        };
        let identity_pem = match (&self.cert, &self.key) {
            (Some(cert), Some(key)) => Some(identity(cert, key)?),
            (None, None) => None,
            _ => return Err("--cert and --key go together".into()),
        };
        let options = HttpOptions {
            timeout: seconds("--timeout", self.timeout)?,
            connect_timeout: seconds("--connect-timeout", self.connect_timeout)?,
            max_body: self.max_body,
            retries: self.retries,
            rate: self
                .rate
                .as_deref()
                .map(HttpOptions::parse_rate)
                .transpose()?,
            ca_pem,
            insecure: self.insecure,
            identity_pem,
            proxy: self.proxy.clone(),
            headers: self
                .headers
                .iter()
                .map(|h| parse_header(h))
                .collect::<Result<_, _>>()?,
            http2_prior_knowledge: self.http2_prior_knowledge,
        };
        options.validate()?;
        Ok(options)
    }
}

fn seconds(flag: &str, value: f64) -> Result<Duration, String> {
    if !(value.is_finite() && value > 0.0) {
        return Err(format!(
            "{flag} must be a number of seconds above 0, not {value}"
        ));
    }
    Duration::try_from_secs_f64(value).map_err(|_| format!("{flag} {value}: too large"))
}

fn read(path: &Path, flag: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{flag} {}: cannot read it: {e}", path.display()))
}

/// `--cert` and `--key` as one PEM, which is what the TLS library takes.
fn identity(cert: &Path, key: &Path) -> Result<Vec<u8>, String> {
    let cert_pem = read(cert, "--cert")?;
    let key_pem = read(key, "--key")?;
    if !contains(&cert_pem, b"-----BEGIN CERTIFICATE-----") {
        return Err(format!(
            "--cert {}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)",
            cert.display()
        ));
    }
    if !contains(&key_pem, b"PRIVATE KEY-----") {
        return Err(format!(
            "--key {}: no PEM private key in it (-----BEGIN PRIVATE KEY-----)",
            key.display()
        ));
    }
    let mut pem = cert_pem;
    pem.push(b'\n');
    pem.extend_from_slice(&key_pem);
    HttpOptions::check_identity_pem(&pem).map_err(|e| format!("--cert/--key: {e}"))?;
    Ok(pem)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// `Name: value`, as curl takes it.
fn parse_header(text: &str) -> Result<(String, String), String> {
    let Some((name, value)) = text.split_once(':') else {
        return Err(format!("--header `{text}`: expected 'Name: value'"));
    };
    let (name, value) = (name.trim(), value.trim());
    if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(format!("--header `{name}`: not a valid header name"));
    }
    if reqwest::header::HeaderValue::from_str(value).is_err() {
        return Err(format!(
            "--header {name}: the value has characters a header cannot carry"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        net: NetArgs,
    }

    fn options(args: &[&str]) -> Result<HttpOptions, String> {
        let cli = Cli::try_parse_from(std::iter::once("pwconform").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?;
        cli.net.to_options()
    }

    #[test]
    fn defaults_match_the_client_defaults() {
        let o = options(&[]).unwrap();
        let d = HttpOptions::default();
        assert_eq!(
            (o.timeout, o.connect_timeout, o.max_body, o.retries, o.rate),
            (d.timeout, d.connect_timeout, d.max_body, d.retries, d.rate)
        );
    }

    #[test]
    fn values_are_parsed() {
        let o = options(&[
            "--rate",
            "120/min",
            "--timeout",
            "0.5",
            "--retries",
            "0",
            "-H",
            "X-Api-Key: s3cret-key",
            "--header",
            "X-Trace:1",
        ])
        .unwrap();
        assert_eq!(o.rate, Some(2.0));
        assert_eq!(o.timeout, Duration::from_millis(500));
        assert_eq!(o.retries, 0);
        assert_eq!(
            o.headers,
            [
                ("X-Api-Key".to_string(), "s3cret-key".to_string()),
                ("X-Trace".to_string(), "1".to_string())
            ]
        );
        assert_eq!(o.secrets(), ["s3cret-key", "1"]);
        assert!(!format!("{o:?}").contains("s3cret-key"));
    }

    #[test]
    fn proxy_password_is_a_secret() {
        let o = options(&["--proxy", "http://me:pr0xy-pass@proxy.example:3128"]).unwrap();
        assert_eq!(o.secrets(), ["pr0xy-pass"]);
    }

    #[test]
    fn bad_values_say_which_flag() {
        let dir = tempfile::tempdir().unwrap();
        let not_pem = dir.path().join("ca.pem");
        std::fs::write(&not_pem, "hello").unwrap();
        let not_pem = not_pem.to_str().unwrap();
        let cases: [(&[&str], String); 7] = [
            (
                &["--timeout", "0"],
                "--timeout must be a number of seconds above 0, not 0".into(),
            ),
            (
                &["--max-body", "0"],
                "--max-body must be at least 1 byte".into(),
            ),
            (
                &["--rate", "fast"],
                "--rate `fast`: `fast` is not a number (e.g. 5/s)".into(),
            ),
            (
                &["-H", "NoColon"],
                "--header `NoColon`: expected 'Name: value'".into(),
            ),
            (
                &["-H", "Bad Name: x"],
                "--header `Bad Name`: not a valid header name".into(),
            ),
            (
                &["--cacert", not_pem],
                format!(
                    "--cacert {not_pem}: no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)"
                ),
            ),
            (
                &["--cert", not_pem, "--key", not_pem],
                format!("--cert {not_pem}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)"),
            ),
        ];
        for (args, want) in cases {
            assert_eq!(options(args).unwrap_err(), want, "{args:?}");
        }
        let missing = options(&["--cacert", "/nonexistent/ca.pem"]).unwrap_err();
        assert!(
            missing.starts_with("--cacert /nonexistent/ca.pem: cannot read it: "),
            "{missing}"
        );
        let alone = options(&["--cert", not_pem]).unwrap_err();
        assert!(alone.contains("--key"), "{alone}");
    }
}
