//! Sending one request and recording it, whatever happens: every transport failure becomes an
//! `Exchange` with an error, never a panic. Redirects are not followed (a 3xx is an answer to
//! check), and at most `max_body` bytes of a body are read.

use std::time::{Duration, Instant};

use crate::result::{Exchange, RequestRecord, ResponseRecord};

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_body: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_body: 1024 * 1024,
        }
    }
}

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    pub base_url: String,
    max_body: usize,
}

impl Http {
    pub fn new(base_url: &str, options: &HttpOptions) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .user_agent(concat!("pwconform/", env!("CARGO_PKG_VERSION")));
        if is_loopback(base_url) {
            // A proxy from the environment must never see traffic meant for this machine.
            builder = builder.no_proxy();
        }
        let client = builder
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self {
            client,
            base_url: base_url.trim_end_matches('/').to_string(),
            max_body: options.max_body,
        })
    }

    /// The full URL of `path` with `query` (values percent-encoded).
    pub fn url(&self, path: &str, query: &[(String, String)]) -> String {
        let mut url = format!("{}{}", self.base_url, path);
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&encode(k));
            url.push('=');
            url.push_str(&encode(v));
        }
        url
    }

    pub async fn send(&self, purpose: &str, request: RequestRecord) -> Exchange {
        let started = Instant::now();
        let result = self.try_send(&request).await;
        let duration_ms = started.elapsed().as_millis() as u64;
        let (response, error) = match result {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e)),
        };
        Exchange {
            purpose: purpose.to_string(),
            request,
            response,
            error,
            duration_ms,
        }
    }

    async fn try_send(&self, request: &RequestRecord) -> Result<ResponseRecord, String> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| format!("invalid HTTP method `{}`", request.method))?;
        let mut builder = self.client.request(method, &request.url);
        for (k, v) in &request.headers {
            builder = builder.header(k, v);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let mut response = builder.send().await.map_err(|e| describe_error(&e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut bytes = Vec::new();
        let mut truncated = false;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = self.max_body.saturating_sub(bytes.len());
                    if chunk.len() > room {
                        bytes.extend_from_slice(&chunk[..room]);
                        truncated = true;
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(format!("reading the body failed: {}", describe_error(&e))),
            }
        }
        Ok(ResponseRecord {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            truncated,
        })
    }
}

/// Names the failure the way a user debugging a target needs it: refused, timeout, TLS...
fn describe_error(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut chain = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "bad response body"
    } else {
        "request failed"
    };
    let detail = chain.last().cloned().unwrap_or_else(|| e.to_string());
    format!("{kind}: {detail}")
}

pub fn is_loopback(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', '?'])
        .next()
        .unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split(']')
            .next()
            .unwrap_or(host)
            .trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or(host)
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("http://127.0.0.1:8080/x", true)]
    #[case("http://localhost", true)]
    #[case("http://[::1]:9/", true)]
    #[case("https://user:pw@127.0.0.2", true)]
    #[case("https://staging.example.org", false)]
    #[case("http://10.0.0.1", false)]
    fn loopback(#[case] url: &str, #[case] expected: bool) {
        assert_eq!(is_loopback(url), expected);
    }
}
