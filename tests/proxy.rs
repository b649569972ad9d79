//! Proxies: an explicit `--proxy` carries every request (loopback targets too), and a proxy that
//! is down or refuses the tunnel is named as the proxy, not blamed on the target.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod net_support;

use net_support::{answer_of, closed_port, error_of, quick, read_request, send};
use pwconform::exec::HttpOptions;
use tokio::io::AsyncWriteExt;

#[tokio::test]
async fn explicit_proxy_is_used_even_for_loopback_targets() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let head = read_request(&mut s).await.unwrap_or_default();
        let _ = tx.send(head);
        let _ = s
            .write_all(b"HTTP/1.1 418 I'm a teapot\r\ncontent-length: 9\r\n\r\nvia proxy")
            .await;
    });
    // Nobody listens at the target: only the proxy can answer.
    let target = format!("http://127.0.0.1:{}", closed_port().await);
    let options = HttpOptions {
        proxy: Some(proxy),
        ..quick()
    };
    let e = send(&target, &options).await;
    assert_eq!(answer_of(&e).body, "via proxy");
    let head = rx.await.unwrap();
    assert!(
        head.starts_with(&format!("PUT {target}/v1/users/1/password HTTP/1.1")),
        "{head}"
    );
}

/// A proxy that is down is named as the proxy, not blamed on the target.
#[tokio::test]
async fn unreachable_proxy_is_named() {
    let proxy = format!("http://127.0.0.1:{}", closed_port().await);
    let options = HttpOptions {
        proxy: Some(proxy.clone()),
        ..quick()
    };
    let e = send("http://127.0.0.1:9", &options).await;
    let place = proxy.trim_start_matches("http://");
    assert_eq!(
        error_of(&e),
        format!(
            "connection refused by the proxy {place} (--proxy): is the server running, and is the port right?"
        )
    );
}

/// A proxy that refuses the CONNECT tunnel to an HTTPS target says so, with its answer.
#[tokio::test]
async fn proxy_refusing_the_tunnel() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let _ = read_request(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n")
            .await;
    });
    let options = HttpOptions {
        proxy: Some(proxy),
        ..quick()
    };
    let e = send("https://staging.example.org", &options).await;
    assert_eq!(
        error_of(&e),
        "the proxy refused to open a tunnel to staging.example.org:443: proxy authorization \
         required (check --proxy and its credentials)"
    );
}
