//! The client against tiny raw servers: what is retried and what never is.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rstest::rstest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;

#[rstest]
#[case("http://127.0.0.1:8080/x", true)]
#[case("http://localhost", true)]
#[case("http://[::1]:9/", true)]
#[case("https://user:pw@127.0.0.2", true)]
#[case("https://staging.example.org", false)]
#[case("http://10.0.0.1", false)]
#[case("http://localhost@staging.example.org", false)]
#[case("http://127.0.0.1.nip.io", false)]
#[case("localhost:8080", false)]
fn loopback(#[case] url: &str, #[case] expected: bool) {
    assert_eq!(is_loopback(url), expected);
}

fn put(url: String) -> RequestRecord {
    RequestRecord {
        method: "PUT".into(),
        url,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Some(r#"{"new_password":"x"}"#.into()),
    }
}

/// Reads one request head, answers `answer`, closes; counts requests.
async fn serve(listener: TcpListener, answer: &'static [u8], count: Arc<AtomicUsize>) {
    while let Ok((mut socket, _)) = listener.accept().await {
        count.fetch_add(1, Ordering::SeqCst);
        let mut buf = vec![0u8; 4096];
        let _ = socket.read(&mut buf).await;
        let _ = socket.write_all(answer).await;
        let _ = socket.shutdown().await;
    }
}

fn options(retries: u32) -> HttpOptions {
    HttpOptions {
        retries,
        timeout: Duration::from_secs(10),
        ..HttpOptions::default()
    }
}

#[tokio::test]
async fn refused_connection_is_retried_until_the_server_is_up() {
    let port = {
        let probe = TcpListener::bind("127.0.0.1:0").await.unwrap();
        probe.local_addr().unwrap().port()
    };
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        serve(listener, b"HTTP/1.1 204 No Content\r\n\r\n", c).await;
    });
    // Backoffs 250 ms, 500 ms, 1 s, 2 s, 2 s: the server is up long before the last try.
    let http = Http::new(&format!("http://127.0.0.1:{port}"), &options(5)).unwrap();
    let exchange = http.send("case", put(http.url("/p", &[]))).await;
    assert_eq!(exchange.error, None);
    assert_eq!(exchange.response.map(|r| r.status), Some(204));
    assert_eq!(count.load(Ordering::SeqCst), 1, "sent exactly once");
}

#[tokio::test]
async fn refused_connection_says_how_often_it_was_tried() {
    let port = {
        let probe = TcpListener::bind("127.0.0.1:0").await.unwrap();
        probe.local_addr().unwrap().port()
    };
    let http = Http::new(&format!("http://127.0.0.1:{port}"), &options(1)).unwrap();
    let exchange = http.send("case", put(http.url("/p", &[]))).await;
    assert_eq!(
        exchange.error.as_deref(),
        Some(
            format!(
                "connection refused by 127.0.0.1:{port}: is the server running, and is the port right? (2 attempts)"
            )
            .as_str()
        )
    );
}

#[rstest]
#[case::server_error(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n".as_slice(), None)]
#[case::closed_without_answer(b"".as_slice(), Some("the server closed the connection without answering"))]
#[tokio::test]
async fn a_sent_request_is_never_retried(
    #[case] answer: &'static [u8],
    #[case] error: Option<&str>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    tokio::spawn(serve(listener, answer, count.clone()));
    let http = Http::new(&format!("http://127.0.0.1:{port}"), &options(2)).unwrap();
    let exchange = http.send("case", put(http.url("/p", &[]))).await;
    assert_eq!(exchange.error.as_deref(), error);
    if error.is_none() {
        assert_eq!(exchange.response.map(|r| r.status), Some(500));
    }
    assert_eq!(count.load(Ordering::SeqCst), 1, "one request, no retry");
}

#[tokio::test]
async fn extra_headers_are_sent_and_recorded_unless_the_request_sets_them() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::oneshot::channel::<String>();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let n = socket.read(&mut buf).await.unwrap();
        let _ = tx.send(String::from_utf8_lossy(&buf[..n]).into_owned());
        let _ = socket.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await;
    });
    let opts = HttpOptions {
        headers: vec![
            ("X-Api-Key".into(), "gateway-key".into()),
            ("content-type".into(), "text/plain".into()),
        ],
        ..options(0)
    };
    let http = Http::new(&format!("http://127.0.0.1:{port}"), &opts).unwrap();
    let exchange = http.send("case", put(http.url("/p", &[]))).await;
    let head = rx.await.unwrap().to_ascii_lowercase();
    assert!(head.contains("x-api-key: gateway-key"), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert!(!head.contains("text/plain"), "{head}");
    let names: Vec<&str> = exchange
        .request
        .headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(names, ["Content-Type", "X-Api-Key"]);
}

#[test]
fn backoff_grows_and_stays_short() {
    let ms: Vec<u128> = (0..6).map(|a| backoff(a).as_millis()).collect();
    assert_eq!(ms, [250, 500, 1000, 2000, 2000, 2000]);
}
