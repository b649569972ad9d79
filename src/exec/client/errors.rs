//! Turning a transport failure into one short sentence a user can act on. reqwest wraps hyper,
//! which wraps rustls or the OS: the useful part is at the bottom of the source chain, so the
//! whole chain is walked. rustls is not a dependency of ours, so its errors are recognised by
//! their text (pinned by the tests in `tests/tls.rs`).

use std::error::Error as _;
use std::io::ErrorKind;
use std::time::Duration;

/// A failed attempt: what to tell the user, and whether sending again is safe and useful.
#[derive(Debug)]
pub struct Failure {
    pub text: String,
    /// True only when the request never left this machine (no connection was made) and trying
    /// again may help: a password change must never be sent twice.
    pub retryable: bool,
}

/// What the messages need to know about the request.
pub struct Context<'a> {
    pub url: &'a str,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// `host:port` of the explicit proxy (`--proxy`): connections go there, not to the target.
    pub proxy: Option<&'a str>,
}

/// Every message of the error and its sources, outermost first, and the I/O error kinds seen.
struct Chain {
    texts: Vec<String>,
    kinds: Vec<ErrorKind>,
}

impl Chain {
    fn of(e: &reqwest::Error) -> Self {
        let mut texts = vec![e.to_string()];
        let mut kinds = Vec::new();
        let mut source = e.source();
        while let Some(s) = source {
            texts.push(s.to_string());
            if let Some(io) = s.downcast_ref::<std::io::Error>() {
                kinds.push(io.kind());
            }
            source = s.source();
        }
        Self { texts, kinds }
    }

    fn has(&self, needle: &str) -> bool {
        self.texts.iter().any(|t| t.contains(needle))
    }

    fn kind(&self, kind: ErrorKind) -> bool {
        self.kinds.contains(&kind)
    }

    /// The innermost message: usually the OS's or the parser's own words.
    fn root(&self) -> &str {
        self.texts.last().map_or("", String::as_str)
    }
}

/// A failure before any answer: connecting, TLS, or waiting for the status line.
pub fn before_answer(e: &reqwest::Error, ctx: &Context<'_>) -> Failure {
    let chain = Chain::of(e);
    // hyper-util says "tunnel error: ..." (407 or another status to CONNECT).
    if let Some(why) = chain
        .texts
        .iter()
        .find_map(|t| t.strip_prefix("tunnel error: "))
    {
        return Failure {
            text: format!(
                "the proxy refused to open a tunnel to {}: {why} (check --proxy and its credentials)",
                host_port(ctx.url),
            ),
            retryable: false,
        };
    }
    let place = match ctx.proxy {
        Some(proxy) => format!("the proxy {proxy} (--proxy)"),
        None => host_port(ctx.url),
    };
    if let Some(tls) = tls_problem(&chain) {
        return Failure {
            text: tls,
            retryable: false,
        };
    }
    if chain.has("dns error") || chain.has("failed to lookup address") {
        let text = match ctx.proxy {
            // Through a proxy, only the proxy's own name is looked up here.
            Some(proxy) => format!("cannot resolve the proxy `{proxy}`: check --proxy and DNS"),
            None => format!(
                "cannot resolve the host `{}`: check the URL and DNS",
                host_of(ctx.url)
            ),
        };
        return Failure {
            text,
            retryable: false,
        };
    }
    if e.is_connect() {
        return connect_failure(&chain, e.is_timeout(), &place, ctx);
    }
    // From here on the request may have reached the server: never retried.
    let text = if e.is_timeout() {
        format!("no answer within {} (--timeout)", secs(ctx.timeout))
    } else if chain.has("connection closed before message completed") {
        "the server closed the connection without answering".to_string()
    } else if chain.kind(ErrorKind::ConnectionReset) || chain.kind(ErrorKind::BrokenPipe) {
        "the server reset the connection without answering".to_string()
    } else if let Some(parse) = chain.texts.iter().find(|t| is_parse_error(t)) {
        not_http(parse, ctx.url)
    } else if chain.has("http2 error") {
        format!("HTTP/2 error: {}", chain.root())
    } else {
        format!("the request failed: {}", chain.root())
    };
    Failure {
        text,
        retryable: false,
    }
}

/// No connection was made, so nothing was sent. Refused and reset connections are worth a retry
/// (a server restarting, a full accept queue); a connect timeout already waited long enough.
fn connect_failure(chain: &Chain, timed_out: bool, place: &str, ctx: &Context<'_>) -> Failure {
    let (text, retryable) = if timed_out {
        // The connect timeout covers the TLS handshake too: a port that accepts and then says
        // nothing is as likely as a firewall.
        let hint = if ctx.url.starts_with("https:") {
            "is the host up, and does it speak TLS on this port?"
        } else {
            "is the host up, or is a firewall dropping packets?"
        };
        (
            format!(
                "no connection to {place} within {} (--connect-timeout): {hint}",
                secs(ctx.connect_timeout)
            ),
            false,
        )
    } else if chain.kind(ErrorKind::ConnectionRefused) {
        (
            format!("connection refused by {place}: is the server running, and is the port right?"),
            true,
        )
    } else if chain.kind(ErrorKind::ConnectionReset) || chain.kind(ErrorKind::ConnectionAborted) {
        (
            format!("{place} reset the connection while connecting"),
            true,
        )
    } else if chain.kind(ErrorKind::UnexpectedEof) && ctx.url.starts_with("https:") {
        (
            format!(
                "TLS handshake failed: {place} closed the connection (does it speak TLS on this port?)"
            ),
            false,
        )
    } else if chain.kind(ErrorKind::NetworkUnreachable) || chain.kind(ErrorKind::HostUnreachable) {
        (format!("{place} is unreachable: {}", chain.root()), false)
    } else {
        (
            format!("could not connect to {place}: {}", chain.root()),
            true,
        )
    };
    Failure { text, retryable }
}

/// The status line came, then reading the body failed.
pub fn in_body(e: &reqwest::Error, status: u16, ctx: &Context<'_>) -> String {
    let chain = Chain::of(e);
    let what = if e.is_timeout() {
        format!(
            "the body did not finish within {} (--timeout)",
            secs(ctx.timeout)
        )
    } else if chain.kind(ErrorKind::ConnectionReset) || chain.kind(ErrorKind::BrokenPipe) {
        "reset the connection mid-body".to_string()
    } else if chain.has("end of file before message length reached") {
        "closed the connection before the body was complete (Content-Length promised more)"
            .to_string()
    } else if chain.has("chunk") {
        format!("sent a malformed chunked body ({})", chain.root())
    } else if let Some(tls) = tls_problem(&chain) {
        tls
    } else {
        format!("reading the body failed: {}", chain.root())
    };
    format!("the server answered {status}, then {what}")
}

/// The TLS reason in words, when the failure is TLS's.
fn tls_problem(chain: &Chain) -> Option<String> {
    if chain.has("invalid peer certificate") {
        let why = if chain.has("UnknownIssuer") {
            "unknown issuer (self-signed or private CA: pass --cacert)".to_string()
        } else if chain.has("certificate expired") || chain.has("Expired") {
            "certificate expired".to_string()
        } else if chain.has("not valid yet") || chain.has("NotValidYet") {
            "certificate not valid yet (is this machine's clock right?)".to_string()
        } else if chain.has("not valid for name") || chain.has("NotValidForName") {
            "certificate is for another host".to_string()
        } else if chain.has("Revoked") {
            "certificate revoked".to_string()
        } else if chain.has("BadSignature") {
            "certificate has a bad signature".to_string()
        } else {
            format!("invalid certificate ({})", chain.root())
        };
        return Some(format!("TLS: {why}"));
    }
    if chain.has("CertificateRequired") {
        return Some("TLS: the server wants a client certificate: pass --cert and --key".into());
    }
    if let Some(alert) = chain.texts.iter().find_map(|t| {
        t.split("received fatal alert: ")
            .nth(1)
            .map(|a| a.trim().to_string())
    }) {
        return Some(format!(
            "TLS handshake failed: the server sent the alert {alert}"
        ));
    }
    if chain.has("received corrupt message") || chain.has("InvalidContentType") {
        return Some(
            "TLS handshake failed: the server does not speak TLS on this port (use http://?)"
                .into(),
        );
    }
    if chain.has("peer is incompatible") {
        return Some(format!("TLS handshake failed: {}", chain.root()));
    }
    None
}

/// hyper's words for a response it could not parse as HTTP/1.
fn is_parse_error(text: &str) -> bool {
    text.starts_with("invalid HTTP")
        || text.starts_with("invalid content-length")
        || text.starts_with("unexpected transfer-encoding")
        || text.starts_with("message head is too large")
        || text.starts_with("received unexpected message")
}

/// No HTTP/1 status line at all is usually the wrong protocol on that port; anything else is a
/// server writing broken HTTP.
fn not_http(parse: &str, url: &str) -> String {
    if !parse.starts_with("invalid HTTP version") {
        format!("the answer is malformed HTTP ({parse})")
    } else if url.starts_with("http:") {
        format!(
            "the answer is not HTTP/1.x ({parse}): if the server speaks TLS use https://, if it speaks only HTTP/2 pass --http2-prior-knowledge"
        )
    } else {
        format!("the answer is not HTTP ({parse})")
    }
}

/// `0.3s`, `10s`: what the user typed, in the unit of the flag.
pub fn secs(d: Duration) -> String {
    format!("{}s", d.as_secs_f64())
}

fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string())
}

/// `host:port` of a URL, the port made explicit (`example.org:443`).
pub fn host_port(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port_or_known_default()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => url.to_string(),
        },
        Err(_) => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_and_durations() {
        assert_eq!(host_port("https://example.org/x"), "example.org:443");
        assert_eq!(host_port("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert_eq!(host_port("http://[::1]:9/"), "[::1]:9");
        assert_eq!(host_of("http://nope.invalid:81/a"), "nope.invalid");
        assert_eq!(secs(Duration::from_millis(300)), "0.3s");
        assert_eq!(secs(Duration::from_secs(10)), "10s");
    }

    #[test]
    fn tls_reasons_from_rustls_texts() {
        let chain = |t: &str| Chain {
            texts: vec!["error sending request".into(), t.into()],
            kinds: Vec::new(),
        };
        let cases = [
            (
                "invalid peer certificate: UnknownIssuer",
                "TLS: unknown issuer (self-signed or private CA: pass --cacert)",
            ),
            (
                "invalid peer certificate: certificate expired: verification time 1 (UNIX), but certificate is not valid after 0 (1 seconds ago)",
                "TLS: certificate expired",
            ),
            (
                "invalid peer certificate: certificate not valid for name \"127.0.0.1\"; certificate is only valid for DnsName(\"other.example\")",
                "TLS: certificate is for another host",
            ),
            (
                "received fatal alert: CertificateRequired",
                "TLS: the server wants a client certificate: pass --cert and --key",
            ),
            (
                "received fatal alert: HandshakeFailure",
                "TLS handshake failed: the server sent the alert HandshakeFailure",
            ),
            (
                "received corrupt message of type InvalidContentType",
                "TLS handshake failed: the server does not speak TLS on this port (use http://?)",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(tls_problem(&chain(text)).as_deref(), Some(want), "{text}");
        }
        assert_eq!(tls_problem(&chain("connection refused")), None);
    }
}
