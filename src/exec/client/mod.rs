//! Sending one request and recording it, whatever happens: every transport failure becomes an
//! `Exchange` with a one-sentence error, never a panic. Redirects are not followed (a 3xx is an
//! answer to check), at most `max_body` bytes of a body are read, a request is retried only when
//! it never left this machine (a password change must not be sent twice), and `--rate` spaces
//! every request of the run.

mod body;
mod build;
mod errors;
mod rate;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::result::{Exchange, RequestRecord, ResponseRecord};
use errors::{Context, Failure};
use rate::RateLimiter;

#[derive(Clone)]
pub struct HttpOptions {
    /// The whole exchange, from connecting to the body's last byte.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Body bytes read at most; the rest is cut and the record marked `truncated`.
    pub max_body: usize,
    /// Extra attempts after a connection error (refused, reset while connecting). Never after an
    /// answer or once the request may have been sent.
    pub retries: u32,
    /// Requests per second across everything this client sends; `None`: no limit.
    pub rate: Option<f64>,
    /// PEM certificates trusted in addition to the system's (`--cacert`).
    pub ca_pem: Option<Vec<u8>>,
    /// Accept any server certificate (`--insecure`).
    pub insecure: bool,
    /// PEM certificate chain and private key presented to servers that ask (`--cert`, `--key`).
    pub identity_pem: Option<Vec<u8>>,
    /// Proxy for every request (`--proxy`); without it the environment's proxy variables apply,
    /// except for loopback targets.
    pub proxy: Option<String>,
    /// Sent with every request unless the request sets the same header (`--header`).
    pub headers: Vec<(String, String)>,
    /// Speak HTTP/2 without negotiation on plain-HTTP targets (`--http2-prior-knowledge`).
    pub http2_prior_knowledge: bool,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_body: 1024 * 1024,
            retries: 2,
            rate: None,
            ca_pem: None,
            insecure: false,
            identity_pem: None,
            proxy: None,
            headers: Vec::new(),
            http2_prior_knowledge: false,
        }
    }
}

// Hand-written: header values, the proxy URL and the private key are secrets, and options end up
// in `{:?}` of run options.
impl fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("HttpOptions")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_body", &self.max_body)
            .field("retries", &self.retries)
            .field("rate", &self.rate)
            .field("ca_pem", &self.ca_pem.as_ref().map(|_| "(set)"))
            .field("insecure", &self.insecure)
            .field("identity_pem", &self.identity_pem.as_ref().map(|_| "(set)"))
            .field("proxy", &self.proxy.as_ref().map(|_| "(set)"))
            .field("headers", &names)
            .field("http2_prior_knowledge", &self.http2_prior_knowledge)
            .finish()
    }
}

impl HttpOptions {
    /// Builds a client once, so a bad certificate, key or proxy is a usage error before anything
    /// is sent rather than a failure of every case.
    pub fn validate(&self) -> Result<(), String> {
        build::client(self, None).map(|_| ())
    }

    /// Parses `--rate`: `N/s`, `N/min` or a bare `N` per second, into requests per second.
    pub fn parse_rate(text: &str) -> Result<f64, String> {
        rate::parse_rate(text)
    }

    /// Checks a `--cacert` file's content: PEM, at least one certificate.
    pub fn check_ca_pem(pem: &[u8]) -> Result<(), String> {
        build::ca_certificates(pem).map(|_| ())
    }

    /// Checks `--cert` + `--key` content (concatenated): a certificate chain and a private key.
    pub fn check_identity_pem(pem: &[u8]) -> Result<(), String> {
        build::client_identity(pem).map(|_| ())
    }

    /// Values that must never appear in a report: extra header values and proxy credentials.
    pub fn secrets(&self) -> Vec<String> {
        let mut out: Vec<String> = self.headers.iter().map(|(_, v)| v.clone()).collect();
        if let Some(url) = self
            .proxy
            .as_deref()
            .and_then(|p| reqwest::Url::parse(p).ok())
            && let Some(password) = url.password()
        {
            out.push(password.to_string());
        }
        out
    }
}

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    pub base_url: String,
    max_body: usize,
    retries: u32,
    timeout: Duration,
    connect_timeout: Duration,
    headers: Arc<Vec<(String, String)>>,
    limiter: Option<Arc<RateLimiter>>,
    /// `host:port` of `--proxy`, so a failure to reach it is not blamed on the target.
    proxy: Option<String>,
}

impl Http {
    pub fn new(base_url: &str, options: &HttpOptions) -> Result<Self, String> {
        let client = build::client(options, Some(base_url))?;
        Ok(Self {
            client,
            base_url: base_url.trim_end_matches('/').to_string(),
            max_body: options.max_body,
            retries: options.retries,
            timeout: options.timeout,
            connect_timeout: options.connect_timeout,
            headers: Arc::new(options.headers.clone()),
            limiter: options.rate.map(|r| Arc::new(RateLimiter::new(r))),
            proxy: options.proxy.as_deref().map(errors::host_port),
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

    /// What is wrong with an answer's form rather than its content, one sentence each: a body
    /// compressed although not requested, cut at `--max-body`, not UTF-8; a redirect's target.
    pub fn response_notes(response: &ResponseRecord) -> Vec<String> {
        body::notes(response)
    }

    pub async fn send(&self, purpose: &str, mut request: RequestRecord) -> Exchange {
        // Recorded with the request, so a report shows everything that was sent.
        for (name, value) in self.headers.iter() {
            if !request
                .headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case(name))
            {
                request.headers.push((name.clone(), value.clone()));
            }
        }
        let started = Instant::now();
        let result = self.send_with_retries(&request).await;
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

    async fn send_with_retries(&self, request: &RequestRecord) -> Result<ResponseRecord, String> {
        let mut attempt: u32 = 0;
        loop {
            if let Some(limiter) = &self.limiter {
                limiter.wait().await;
            }
            match self.try_send(request).await {
                Ok(r) => return Ok(r),
                Err(f) if f.retryable && attempt < self.retries => {
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                Err(f) if attempt > 0 => {
                    return Err(format!("{} ({} attempts)", f.text, attempt + 1));
                }
                Err(f) => return Err(f.text),
            }
        }
    }

    async fn try_send(&self, request: &RequestRecord) -> Result<ResponseRecord, Failure> {
        let method =
            reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| Failure {
                text: format!("invalid HTTP method `{}`", request.method),
                retryable: false,
            })?;
        let mut builder = self.client.request(method, &request.url);
        for (k, v) in &request.headers {
            builder = builder.header(k, v);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let ctx = Context {
            url: &request.url,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            proxy: self.proxy.as_deref(),
        };
        let mut response = builder
            .send()
            .await
            .map_err(|e| errors::before_answer(&e, &ctx))?;
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
        let (bytes, truncated) = body::read_capped(&mut response, self.max_body)
            .await
            .map_err(|e| Failure {
                text: errors::in_body(&e, status, &ctx),
                retryable: false,
            })?;
        Ok(body::record(status, headers, bytes, truncated))
    }
}

/// 250 ms, 500 ms, 1 s...: long enough for a restarting server, short enough not to matter.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250u64.saturating_mul(1 << attempt.min(3)))
}

/// Whether `url` points at this machine (`localhost`, 127.0.0.0/8, `::1`). Parsed as a URL, so
/// `http://localhost@example.org` is example.org; a text that does not parse is not loopback.
pub fn is_loopback(url: &str) -> bool {
    let Some(host) = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
    else {
        return false;
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
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
mod tests;
