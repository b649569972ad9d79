//! TLS targets with certificates from a private CA (rcgen), served by rustls + axum: trust via
//! --cacert, the reason named for each certificate problem, --insecure, client certificates,
//! HTTP/2 negotiated by ALPN, and the binary getting past TLS only with --cacert.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod net_support;
mod tls_support;

use assert_cmd::Command;
use net_support::{error_of, send};
use pwconform::cli::NetArgs;
use pwconform::exec::HttpOptions;
use rcgen::ExtendedKeyUsagePurpose;
use tls_support::{Ca, ca, self_signed, tls_target};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const UNKNOWN_ISSUER: &str = "TLS: unknown issuer (self-signed or private CA: pass --cacert)";

fn trusting(ca: &Ca) -> HttpOptions {
    HttpOptions {
        ca_pem: Some(ca.pem.clone().into_bytes()),
        retries: 0,
        ..HttpOptions::default()
    }
}

fn no_trust() -> HttpOptions {
    HttpOptions {
        retries: 0,
        ..HttpOptions::default()
    }
}

#[tokio::test]
async fn private_ca_is_trusted_with_cacert_and_h2_is_negotiated() {
    let ca = ca();
    let base = tls_target(&ca.server(&["127.0.0.1", "localhost"]), None).await;
    let e = send(&base, &trusting(&ca)).await;
    assert_eq!(e.error, None);
    let r = e.response.unwrap();
    assert_eq!((r.status, r.body.as_str()), (404, "HTTP/2.0"));
}

#[tokio::test]
async fn localhost_name_is_checked_too() {
    let ca = ca();
    let base = tls_target(&ca.server(&["localhost"]), None).await;
    let base = base.replace("127.0.0.1", "localhost");
    let e = send(&base, &trusting(&ca)).await;
    assert_eq!(e.error, None, "{:?}", e.error);
}

#[tokio::test]
async fn private_ca_without_cacert_is_an_unknown_issuer() {
    let ca = ca();
    let base = tls_target(&ca.server(&["127.0.0.1"]), None).await;
    let e = send(&base, &no_trust()).await;
    assert_eq!(error_of(&e), UNKNOWN_ISSUER);
}

#[tokio::test]
async fn self_signed_is_an_unknown_issuer_and_insecure_accepts_it() {
    let base = tls_target(&self_signed(), None).await;
    let e = send(&base, &no_trust()).await;
    assert_eq!(error_of(&e), UNKNOWN_ISSUER);
    let insecure = HttpOptions {
        insecure: true,
        ..no_trust()
    };
    let e = send(&base, &insecure).await;
    assert_eq!(e.response.map(|r| r.status), Some(404));
}

#[tokio::test]
async fn expired_certificate() {
    let ca = ca();
    let leaf = ca.issue(&["127.0.0.1"], true, ExtendedKeyUsagePurpose::ServerAuth);
    let base = tls_target(&leaf, None).await;
    let e = send(&base, &trusting(&ca)).await;
    assert_eq!(error_of(&e), "TLS: certificate expired");
}

#[tokio::test]
async fn certificate_for_another_host() {
    let ca = ca();
    let base = tls_target(&ca.server(&["other.example"]), None).await;
    let e = send(&base, &trusting(&ca)).await;
    assert_eq!(error_of(&e), "TLS: certificate is for another host");
}

#[tokio::test]
async fn client_certificate_required() {
    let ca = ca();
    let base = tls_target(&ca.server(&["127.0.0.1"]), Some(&ca)).await;
    let e = send(&base, &trusting(&ca)).await;
    assert_eq!(
        error_of(&e),
        "TLS: the server wants a client certificate: pass --cert and --key"
    );
    let client = ca.issue(&["client"], false, ExtendedKeyUsagePurpose::ClientAuth);
    let with_identity = HttpOptions {
        identity_pem: Some(format!("{}\n{}", client.cert_pem, client.key_pem).into_bytes()),
        ..trusting(&ca)
    };
    let e = send(&base, &with_identity).await;
    assert_eq!(e.error, None);
    assert_eq!(e.response.map(|r| r.status), Some(404));
}

#[tokio::test]
async fn https_to_a_plain_http_server() {
    // A plain HTTP server answers the ClientHello's bytes with a 400, as it would any garbage.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut hello = [0u8; 512];
            let _ = socket.read(&mut hello).await;
            let _ = socket
                .write_all(
                    b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )
                .await;
        }
    });
    let e = send(&format!("https://127.0.0.1:{port}"), &no_trust()).await;
    assert_eq!(
        error_of(&e),
        "TLS handshake failed: the server does not speak TLS on this port (use http://?)"
    );
}

#[tokio::test]
async fn http_to_a_tls_server() {
    let ca = ca();
    let base = tls_target(&ca.server(&["127.0.0.1"]), None).await;
    let e = send(&base.replace("https:", "http:"), &no_trust()).await;
    assert_eq!(
        error_of(&e),
        "the answer is not HTTP/1.x (invalid HTTP version parsed): if the server speaks TLS use https://, if it speaks only HTTP/2 pass --http2-prior-knowledge"
    );
}

#[tokio::test]
async fn tls_handshake_that_never_comes() {
    // Accepts TCP, never answers the ClientHello: the connect timeout covers the handshake.
    let server = net_support::raw(|s, _| net_support::stall(s)).await;
    let options = HttpOptions {
        connect_timeout: std::time::Duration::from_millis(300),
        ..no_trust()
    };
    let e = send(&format!("https://127.0.0.1:{}", server.port), &options).await;
    assert_eq!(
        error_of(&e),
        format!(
            "no connection to 127.0.0.1:{} within 0.3s (--connect-timeout): is the host up, and does it speak TLS on this port?",
            server.port
        )
    );
}

fn net_args(dir: &std::path::Path, files: &[(&str, &str)]) -> NetArgs {
    let path = |name: &str| {
        files.iter().find(|(n, _)| *n == name).map(|(n, body)| {
            let p = dir.join(n);
            std::fs::write(&p, body).unwrap();
            p
        })
    };
    NetArgs {
        timeout: 10.0,
        connect_timeout: 5.0,
        max_body: 1024 * 1024,
        rate: None,
        retries: 2,
        cacert: path("ca.pem"),
        insecure: false,
        cert: path("cert.pem"),
        key: path("key.pem"),
        proxy: None,
        headers: Vec::new(),
        http2_prior_knowledge: false,
    }
}

#[test]
fn pem_files_are_read_and_checked_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let ca = ca();
    let client = ca.issue(&["client"], false, ExtendedKeyUsagePurpose::ClientAuth);
    let other = ca.issue(&["client"], false, ExtendedKeyUsagePurpose::ClientAuth);
    let good = net_args(
        dir.path(),
        &[
            ("ca.pem", &ca.pem),
            ("cert.pem", &client.cert_pem),
            ("key.pem", &client.key_pem),
        ],
    );
    let o = good.to_options().unwrap();
    assert!(o.ca_pem.is_some() && o.identity_pem.is_some());
    let mismatched = net_args(
        dir.path(),
        &[("cert.pem", &client.cert_pem), ("key.pem", &other.key_pem)],
    );
    assert_eq!(
        mismatched.to_options().unwrap_err(),
        "--cert/--key: the private key does not belong to the certificate"
    );
}

/// The binary against a TLS target: past TLS with --cacert (whatever the answer), the TLS reason
/// without it.
#[test]
fn binary_gets_past_tls_only_with_cacert() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ca = ca();
    let base = rt.block_on(tls_target(&ca.server(&["127.0.0.1"]), None));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ca.pem"), &ca.pem).unwrap();
    std::fs::write(
        dir.path().join("accounts.yaml"),
        "dialect: ocariot\naccounts:\n  admin:\n    - username: admin1\n      password: Admin-pass-1\n",
    )
    .unwrap();
    let run = |cacert: bool| {
        let mut cmd = Command::cargo_bin("pwconform").unwrap();
        cmd.current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_STEP_SUMMARY")
            .args(["run", "--target", &base, "--accounts", "accounts.yaml"])
            .args([
                "--dialect",
                "ocariot",
                "--filter",
                "change-own-password[admin]",
            ])
            .args(["--json", "run.json", "--retries", "0"]);
        if cacert {
            cmd.args(["--cacert", "ca.pem"]);
        }
        let out = cmd.output().unwrap();
        let json = std::fs::read_to_string(dir.path().join("run.json")).unwrap_or_default();
        format!("{}\n{json}", String::from_utf8_lossy(&out.stderr))
    };
    let trusted = run(true);
    assert!(!trusted.contains("TLS"), "{trusted}");
    assert!(
        trusted.contains("404"),
        "the target's answer is reported: {trusted}"
    );
    let untrusted = run(false);
    assert!(untrusted.contains(UNKNOWN_ISSUER), "{untrusted}");
}

/// Without --cacert every login fails alike: the run stops at once, says the TLS reason once with
/// the fix, and exits 3 instead of printing it for every case.
#[test]
fn an_untrusted_certificate_is_said_once() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ca = ca();
    let base = rt.block_on(tls_target(&ca.server(&["127.0.0.1"]), None));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("accounts.yaml"),
        "dialect: ocariot\naccounts:\n  admin:\n    - username: admin1\n      password: Admin-pass-1\n  educator:\n    - username: e1\n      password: Educ-pass-1\n",
    )
    .unwrap();
    let out = Command::cargo_bin("pwconform")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .args(["run", "--target", &base, "--accounts", "accounts.yaml"])
        .args(["--jobs", "1", "--retries", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let mentions = stderr.matches(UNKNOWN_ISSUER).count();
    assert!((1..=3).contains(&mentions), "{mentions} times: {stderr}");
    assert!(
        stderr.contains("--insecure for a throwaway server") && stderr.contains("were not sent"),
        "{stderr}"
    );
}
