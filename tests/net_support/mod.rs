//! Tiny targets for the HTTP layer's tests: raw TCP servers that misbehave on purpose, a TLS
//! server with certificates from a private CA, and a helper that sends one request.
#![allow(dead_code)] // each test crate uses its own part
#![allow(clippy::string_slice, clippy::indexing_slicing)] // a wrong cut failing a test is fine

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pwconform::exec::{Http, HttpOptions};
use pwconform::result::{Exchange, RequestRecord, ResponseRecord};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A raw server on 127.0.0.1: `handle` gets each connection after the request was read in full
/// (head and Content-Length body, so closing never resets because of unread bytes).
pub struct Raw {
    pub port: u16,
    pub requests: Arc<AtomicUsize>,
}

impl Raw {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    pub fn count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

pub async fn raw<F, Fut>(handle: F) -> Raw
where
    F: Fn(TcpStream, u16) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(AtomicUsize::new(0));
    let count = requests.clone();
    let handle = Arc::new(handle);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let handle = handle.clone();
            let count = count.clone();
            tokio::spawn(async move {
                if read_request(&mut socket).await.is_some() {
                    count.fetch_add(1, Ordering::SeqCst);
                    handle(socket, port).await;
                }
            });
        }
    });
    Raw { port, requests }
}

/// A server answering every request with these bytes, then closing.
pub async fn answering(bytes: &'static [u8]) -> Raw {
    raw(move |mut s, _| async move {
        let _ = s.write_all(bytes).await;
        let _ = s.shutdown().await;
    })
    .await
}

/// Reads one HTTP/1 request (head, then as many body bytes as Content-Length says).
pub async fn read_request(socket: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    Some(head)
}

/// Never returns: a server that stalls forever.
pub async fn stall(socket: TcpStream) {
    std::future::pending::<()>().await;
    drop(socket);
}

/// Closes with a TCP reset instead of an orderly close.
// tokio deprecates SO_LINGER because a non-zero linger blocks the thread on drop; a zero linger
// returns at once, with a reset: exactly the misbehaviour wanted.
#[allow(deprecated)]
pub fn reset(socket: TcpStream) {
    let _ = socket.set_linger(Some(std::time::Duration::ZERO));
    drop(socket);
}

/// A port nobody listens on (bound, then freed).
pub async fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

pub fn put(url: String) -> RequestRecord {
    RequestRecord {
        method: "PUT".into(),
        url,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Some(r#"{"old_password":"a","new_password":"b"}"#.into()),
    }
}

/// One PUT to `base` + `/v1/users/1/password` with `options`.
pub async fn send(base: &str, options: &HttpOptions) -> Exchange {
    let http = Http::new(base, options).unwrap();
    http.send("case", put(http.url("/v1/users/1/password", &[])))
        .await
}

/// Short timeouts: every stalling target stalls forever, so these bound each test.
pub fn quick() -> HttpOptions {
    HttpOptions {
        timeout: Duration::from_millis(300),
        connect_timeout: Duration::from_millis(300),
        retries: 0,
        ..HttpOptions::default()
    }
}

pub fn error_of(e: &Exchange) -> &str {
    assert!(e.response.is_none(), "unexpected answer: {:?}", e.response);
    e.error.as_deref().unwrap_or("(no error)")
}

pub fn answer_of(e: &Exchange) -> &ResponseRecord {
    assert_eq!(e.error, None);
    e.response.as_ref().unwrap()
}
