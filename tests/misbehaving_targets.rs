//! Targets that misbehave at the transport level: each becomes one exchange with a clear,
//! exact reason (or an answer with the problem flagged), never a panic or a hang. The client is
//! tested directly: `Http::new` + `send` -> `Exchange`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod net_support;

use std::time::Duration;

use net_support::{
    answer_of, answering, closed_port, error_of, quick, raw, read_request, reset, send, stall,
};
use pwconform::exec::{Http, HttpOptions};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};

#[tokio::test]
async fn connection_refused() {
    let port = closed_port().await;
    let e = send(&format!("http://127.0.0.1:{port}"), &quick()).await;
    assert_eq!(
        error_of(&e),
        format!(
            "connection refused by 127.0.0.1:{port}: is the server running, and is the port right?"
        )
    );
}

#[tokio::test]
async fn unknown_host() {
    // `.invalid` never resolves (RFC 2606), with or without a network.
    let e = send("http://pwconform-test.invalid:8080", &quick()).await;
    assert_eq!(
        error_of(&e),
        "cannot resolve the host `pwconform-test.invalid`: check the URL and DNS"
    );
}

#[tokio::test]
async fn connect_timeout() {
    // A listener with a full accept queue drops further SYNs: the connection never completes.
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    while let Ok(Ok(s)) =
        tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(addr)).await
    {
        queued.push(s);
        assert!(queued.len() < 64, "the accept queue never filled");
    }
    let options = HttpOptions {
        timeout: Duration::from_secs(30),
        ..quick()
    };
    let e = send(&format!("http://{addr}"), &options).await;
    assert_eq!(
        error_of(&e),
        format!(
            "no connection to {addr} within 0.3s (--connect-timeout): is the host up, or is a firewall dropping packets?"
        )
    );
    drop(listener);
}

#[tokio::test]
async fn read_timeout_no_answer_at_all() {
    let server = raw(|s, _| stall(s)).await;
    let e = send(&server.url(), &quick()).await;
    assert_eq!(error_of(&e), "no answer within 0.3s (--timeout)");
    assert_eq!(server.count(), 1, "a sent request is never retried");
}

#[tokio::test]
async fn headers_then_stall() {
    let server = raw(|mut s, _| async move {
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"status\":")
            .await;
        stall(s).await;
    })
    .await;
    let e = send(&server.url(), &quick()).await;
    assert_eq!(
        error_of(&e),
        "the server answered 200, then the body did not finish within 0.3s (--timeout)"
    );
}

#[tokio::test]
async fn endless_body_is_cut_at_max_body() {
    let server = raw(|mut s, _| async move {
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n[")
            .await;
        // No length, no end: only the cap stops the reading.
        while s.write_all(&[b'1'; 8192]).await.is_ok() {}
    })
    .await;
    let options = HttpOptions {
        max_body: 1000,
        timeout: Duration::from_secs(30),
        ..quick()
    };
    let e = send(&server.url(), &options).await;
    let r = answer_of(&e);
    assert!(r.truncated);
    assert_eq!(r.body.len(), 1000);
    assert_eq!(
        Http::response_notes(r),
        ["body cut at the --max-body limit; the rest was not read"]
    );
}

#[tokio::test]
async fn invalid_utf8_is_flagged_not_repaired_silently() {
    let server = answering(
        b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 15\r\n\r\n{\"message\":\"\xff\"}",
    )
    .await;
    let e = send(&server.url(), &quick()).await;
    let r = answer_of(&e);
    assert!(r.invalid_utf8);
    assert_eq!(r.body, "{\"message\":\"\u{fffd}\"}");
    assert_eq!(
        Http::response_notes(r),
        ["body is not valid UTF-8 (shown with U+FFFD for the bad bytes)"]
    );
}

#[tokio::test]
async fn gzip_body_is_reported_by_name_and_not_decoded() {
    // "{}" gzip-compressed.
    let server = answering(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: 22\r\n\r\n\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\xae\x05\x00\x43\xbf\xa6\xa3\x02\x00\x00\x00",
    )
    .await;
    let e = send(&server.url(), &quick()).await;
    let r = answer_of(&e);
    assert_ne!(r.body, "{}", "decompressed silently");
    assert_eq!(
        Http::response_notes(r),
        [
            "body is gzip-encoded although not requested; shown undecoded",
            "body is not valid UTF-8 (shown with U+FFFD for the bad bytes)"
        ]
    );
}

#[tokio::test]
async fn brotli_body_is_reported_by_name() {
    // "{}" brotli-compressed.
    let server = answering(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: br\r\ncontent-length: 6\r\n\r\n\x0b\x00\x80{}\x03",
    )
    .await;
    let e = send(&server.url(), &quick()).await;
    let r = answer_of(&e);
    assert_eq!(
        Http::response_notes(r),
        [
            "body is brotli-encoded although not requested; shown undecoded",
            "body is not valid UTF-8 (shown with U+FFFD for the bad bytes)"
        ]
    );
}

#[tokio::test]
async fn redirect_is_recorded_never_followed() {
    let server = raw(|mut s, port| async move {
        let answer = format!(
            "HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:{port}/elsewhere\r\ncontent-length: 0\r\n\r\n"
        );
        let _ = s.write_all(answer.as_bytes()).await;
    })
    .await;
    let e = send(&server.url(), &quick()).await;
    let r = answer_of(&e);
    let to = format!("http://127.0.0.1:{}/elsewhere", server.port);
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some(to.as_str()));
    assert_eq!(
        Http::response_notes(r),
        [format!("redirect to {to}, not followed")]
    );
    assert_eq!(server.count(), 1, "the redirect was followed");
}

#[tokio::test]
async fn connection_reset_mid_body() {
    let server = raw(|mut s, _| async move {
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"ok\":")
            .await;
        let _ = s.flush().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        reset(s);
    })
    .await;
    let e = send(&server.url(), &quick()).await;
    assert_eq!(
        error_of(&e),
        "the server answered 200, then reset the connection mid-body"
    );
}

#[tokio::test]
async fn connection_closed_mid_body() {
    let server = answering(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"ok\":").await;
    let e = send(&server.url(), &quick()).await;
    assert_eq!(
        error_of(&e),
        "the server answered 200, then closed the connection before the body was complete (Content-Length promised more)"
    );
}

#[tokio::test]
async fn closed_without_answering() {
    let server = answering(b"").await;
    let e = send(&server.url(), &quick()).await;
    assert_eq!(
        error_of(&e),
        "the server closed the connection without answering"
    );
    assert_eq!(server.count(), 1, "a sent request is never retried");
}

#[tokio::test]
async fn reset_without_answering() {
    let server = raw(|s, _| async move { reset(s) }).await;
    let e = send(&server.url(), &quick()).await;
    assert_eq!(
        error_of(&e),
        "the server reset the connection without answering"
    );
}

#[tokio::test]
async fn not_http_at_all() {
    let server = answering(b"SSH-2.0-OpenSSH_9.6\r\n").await;
    let e = send(&server.url(), &quick()).await;
    assert_eq!(
        error_of(&e),
        "the answer is not HTTP/1.x (invalid HTTP version parsed): if the server speaks TLS use https://, if it speaks only HTTP/2 pass --http2-prior-knowledge"
    );
}

#[tokio::test]
async fn malformed_header_line() {
    let server = answering(b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n").await;
    let e = send(&server.url(), &quick()).await;
    assert_eq!(
        error_of(&e),
        "the answer is malformed HTTP (invalid HTTP header parsed)"
    );
}

#[tokio::test]
async fn broken_chunked_encoding() {
    let server =
        answering(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n")
            .await;
    let e = send(&server.url(), &quick()).await;
    assert_eq!(
        error_of(&e),
        "the server answered 200, then sent a malformed chunked body (Invalid chunk size line: missing size digit)"
    );
}

#[tokio::test]
async fn non_json_body_is_an_answer_for_the_checker() {
    let server = answering(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 13\r\n\r\n<h1>done</h1>",
    )
    .await;
    let e = send(&server.url(), &quick()).await;
    let r = answer_of(&e);
    assert_eq!((r.status, r.body.as_str()), (200, "<h1>done</h1>"));
    assert!(Http::response_notes(r).is_empty());
}

#[tokio::test]
async fn http2_prior_knowledge_target() {
    // axum serves HTTP/1 and h2c prior knowledge on one port; the handler says which it got.
    let app = axum::Router::new()
        .fallback(|req: axum::extract::Request| async move { format!("{:?}", req.version()) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let options = HttpOptions {
        http2_prior_knowledge: true,
        ..quick()
    };
    let e = send(&base, &options).await;
    assert_eq!(answer_of(&e).body, "HTTP/2.0");
    let e = send(&base, &quick()).await;
    assert_eq!(answer_of(&e).body, "HTTP/1.1");
}

#[tokio::test]
async fn http2_only_target_without_the_flag() {
    // What an h2-only server sends to an HTTP/1 client: its SETTINGS frame, then GOAWAY.
    let server = answering(
        b"\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00\x08\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01",
    )
    .await;
    let e = send(&server.url(), &quick()).await;
    assert_eq!(
        error_of(&e),
        "the answer is not HTTP/1.x (invalid HTTP version parsed): if the server speaks TLS use https://, if it speaks only HTTP/2 pass --http2-prior-knowledge"
    );
}

#[tokio::test]
async fn rate_limit_spaces_requests() {
    let server = answering(b"HTTP/1.1 204 No Content\r\n\r\n").await;
    let options = HttpOptions {
        rate: Some(10.0),
        ..quick()
    };
    let http = Http::new(&server.url(), &options).unwrap();
    let started = std::time::Instant::now();
    for _ in 0..4 {
        let e = http
            .send("case", net_support::put(http.url("/p", &[])))
            .await;
        assert_eq!(answer_of(&e).status, 204);
    }
    // 4 requests at 10/s: 3 gaps of 100 ms at least.
    assert!(started.elapsed() >= Duration::from_millis(295));
}

#[tokio::test]
async fn one_misbehaving_request_does_not_break_the_next() {
    let server = raw(|mut s, _| async move {
        let _ = read_request(&mut s).await; // a second request on the same connection, if any
        reset(s);
    })
    .await;
    let http = Http::new(&server.url(), &quick()).unwrap();
    for _ in 0..3 {
        let e = http
            .send("case", net_support::put(http.url("/p", &[])))
            .await;
        assert!(e.error.is_some());
    }
    assert_eq!(server.count(), 3);
}
