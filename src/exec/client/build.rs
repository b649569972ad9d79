//! Building the reqwest client from the network options: trusted roots, client certificate,
//! proxies, HTTP/2, timeouts. Redirects are never followed (a 3xx is an answer to check) and
//! nothing asks for compression (a compressed answer is reported, not decoded).

use std::sync::Once;

use reqwest::{Certificate, Identity, NoProxy, Proxy};

use super::{HttpOptions, is_loopback};

/// rustls-platform-verifier's words when the OS has no CA bundle (a slim container).
const NO_SYSTEM_ROOTS: &str = "No CA certificates were loaded from the system";

static INSECURE_WARNING: Once = Once::new();

/// The client for `base_url` (or, with `None`, for any non-loopback target: used to validate
/// options before a run). Built once per process for the same inputs: building one loads and
/// parses the system's CA certificates (about 5 ms), once per dialect of a run and once more to
/// validate the options; a reqwest client is a handle that may be shared.
pub fn client(options: &HttpOptions, base_url: Option<&str>) -> Result<reqwest::Client, String> {
    let key = BuildKey::new(options, base_url);
    let mut built = BUILT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, c)) = built.iter().find(|(k, _)| *k == key) {
        return Ok(c.clone());
    }
    let c = build(options, base_url)?;
    built.push((key, c.clone()));
    Ok(c)
}

/// Clients built so far, by what their build read.
static BUILT: std::sync::Mutex<Vec<(BuildKey, reqwest::Client)>> =
    std::sync::Mutex::new(Vec::new());

/// Everything a build reads: the options that go into it, whether the target is this machine
/// (no proxy from the environment then) or plain HTTP, and the environment variables reqwest and rustls read.
#[derive(PartialEq)]
struct BuildKey {
    timeout: std::time::Duration,
    connect_timeout: std::time::Duration,
    http2_prior_knowledge: bool,
    ca_pem: Option<Vec<u8>>,
    insecure: bool,
    identity_pem: Option<Vec<u8>>,
    proxy: Option<String>,
    loopback: bool,
    /// A plain-HTTP target may go without the system's CA certificates.
    plain_http: bool,
    environment: Vec<Option<std::ffi::OsString>>,
}

const READ_FROM_ENVIRONMENT: [&str; 10] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

impl BuildKey {
    fn new(options: &HttpOptions, base_url: Option<&str>) -> Self {
        Self {
            timeout: options.timeout,
            connect_timeout: options.connect_timeout,
            http2_prior_knowledge: options.http2_prior_knowledge,
            ca_pem: options.ca_pem.clone(),
            insecure: options.insecure,
            identity_pem: options.identity_pem.clone(),
            proxy: options.proxy.clone(),
            loopback: base_url.is_some_and(is_loopback),
            plain_http: base_url.is_some_and(|u| u.starts_with("http:")),
            environment: READ_FROM_ENVIRONMENT.map(std::env::var_os).to_vec(),
        }
    }
}

fn build(options: &HttpOptions, base_url: Option<&str>) -> Result<reqwest::Client, String> {
    match builder(options, base_url, false)?.build() {
        Ok(c) => Ok(c),
        Err(e) if chain_has(&e, NO_SYSTEM_ROOTS) => {
            // Without OS roots a plain-HTTP target still works: TLS is never used for it (no
            // redirect is followed). An HTTPS target needs roots from somewhere.
            if base_url.is_some_and(|u| u.starts_with("http:")) || options.ca_pem.is_some() {
                builder(options, base_url, true)?
                    .build()
                    .map_err(|e| build_error(&e))
            } else {
                Err(
                    "no CA certificates found on this system: install them (e.g. the \
                     ca-certificates package), set SSL_CERT_FILE, or pass --cacert"
                        .into(),
                )
            }
        }
        Err(e) => Err(build_error(&e)),
    }
}

fn builder(
    options: &HttpOptions,
    base_url: Option<&str>,
    roots_only: bool,
) -> Result<reqwest::ClientBuilder, String> {
    let mut b = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(options.timeout)
        .connect_timeout(options.connect_timeout)
        .user_agent(concat!("pwconform/", env!("CARGO_PKG_VERSION")));
    if options.http2_prior_knowledge {
        b = b.http2_prior_knowledge();
    }
    let roots = match &options.ca_pem {
        Some(pem) => ca_certificates(pem)?,
        None => Vec::new(),
    };
    if options.insecure {
        INSECURE_WARNING.call_once(|| {
            eprintln!(
                "warning: --insecure: server certificates are not checked; anyone on the way \
                 can read the passwords this run sends"
            );
        });
        b = b.tls_danger_accept_invalid_certs(true);
    } else if roots_only {
        b = b.tls_certs_only(roots);
    } else if !roots.is_empty() {
        // Added to the OS roots, not instead of them: a private CA for this target only.
        b = b.tls_certs_merge(roots);
    }
    if let Some(pem) = &options.identity_pem {
        b = b.identity(client_identity(pem)?);
    }
    match &options.proxy {
        Some(url) => {
            // An explicit proxy is used even for loopback targets; NO_PROXY still applies, as
            // it does for curl.
            let proxy = Proxy::all(url.as_str())
                .map_err(|e| format!("--proxy `{url}`: {}", innermost(&e)))?
                .no_proxy(NoProxy::from_env());
            b = b.proxy(proxy);
        }
        // A proxy from the environment must never see traffic meant for this machine.
        None if base_url.is_some_and(is_loopback) => b = b.no_proxy(),
        // HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY are read by reqwest itself.
        None => {}
    }
    Ok(b)
}

/// Every certificate of a PEM bundle; at least one.
pub fn ca_certificates(pem: &[u8]) -> Result<Vec<Certificate>, String> {
    let certs = Certificate::from_pem_bundle(pem)
        .map_err(|e| format!("not a PEM certificate bundle: {}", innermost(&e)))?;
    if certs.is_empty() {
        return Err("no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)".into());
    }
    Ok(certs)
}

/// A client identity from a PEM holding the certificate chain and the private key.
pub fn client_identity(pem: &[u8]) -> Result<Identity, String> {
    Identity::from_pem(pem).map_err(|e| format!("not a PEM certificate and key: {}", innermost(&e)))
}

fn build_error(e: &reqwest::Error) -> String {
    let root = innermost(e);
    if root.contains("InconsistentKeys") || root.contains("keys may not be consistent") {
        return "--cert/--key: the private key does not belong to the certificate".into();
    }
    format!("cannot build the HTTP client: {root}")
}

fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

fn chain_has(e: &reqwest::Error, needle: &str) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.to_string().contains(needle) {
            return true;
        }
        source = s.source();
    }
    false
}
