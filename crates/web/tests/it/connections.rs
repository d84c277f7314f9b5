//! The accept loop over a real socket: a client that never finishes its request head is cut
//! off, connections past the limit wait, and the client's address reaches the handlers.

use crate::support::api;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use trustwork_store::testing::TestDb;
use trustwork_web::{ConnectionLimits, ServeOptions, TrustedProxies};

async fn serve(
    limits: ConnectionLimits,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    TestDb,
) {
    let db = TestDb::sqlite().await.unwrap();
    let app = api(db.db.clone()).app;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let options = ServeOptions {
            listener,
            secure_cookies: false,
            trusted_proxies: TrustedProxies::default(),
            limits,
            rate_limit: None,
            metrics_token: None,
        };
        trustwork_web::serve(app, options, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    (addr, stop, db)
}

/// Reads until the server closes the connection (or `limit` passes); returns what came.
async fn read_to_close(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut got = Vec::new();
    match tokio::time::timeout(limit, stream.read_to_end(&mut got)).await {
        Ok(_) => Some(String::from_utf8_lossy(&got).into_owned()),
        Err(_) => None,
    }
}

async fn get_healthz(addr: std::net::SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    read_to_close(&mut s, Duration::from_secs(10))
        .await
        .unwrap()
}

#[tokio::test]
async fn silent_and_trickling_clients_are_cut_off_and_the_limit_holds() {
    let limits = ConnectionLimits {
        header_read_timeout: Duration::from_secs(1),
        max_connections: 2,
        ..ConnectionLimits::default()
    };
    let (addr, stop, db) = serve(limits).await;
    assert!(get_healthz(addr).await.starts_with("HTTP/1.1 200"));

    // Slowloris: one silent connection, one that sends a header line now and then.
    let started = Instant::now();
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let mut trickle = TcpStream::connect(addr).await.unwrap();
    trickle
        .write_all(b"GET /healthz HTTP/1.1\r\n")
        .await
        .unwrap();
    // Both slots are taken: a third client waits rather than being served beside them.
    let waiting = tokio::spawn(get_healthz(addr));
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let _ = trickle.write_all(b"x-slow: 1\r\n").await;
    }
    // Both are closed by the header timeout, without an answer to a request never finished
    // (hyper may send a 408 first).
    let silent_end = read_to_close(&mut silent, Duration::from_secs(10)).await;
    let trickle_end = read_to_close(&mut trickle, Duration::from_secs(10)).await;
    for end in [&silent_end, &trickle_end] {
        let end = end.as_deref().expect("the connection was closed");
        assert!(!end.contains(" 200 "), "{end}");
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    // Then the waiting client gets its turn.
    let answer = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("served once a slot was free")
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let _ = stop.send(());
    db.cleanup().await;
}

#[tokio::test]
async fn a_client_that_stops_reading_gives_its_slot_back() {
    let limits = ConnectionLimits {
        max_connections: 1,
        write_stall_timeout: Duration::from_secs(1),
        header_read_timeout: Duration::from_secs(30),
        ..ConnectionLimits::default()
    };
    let (addr, stop, db) = serve(limits).await;
    // Pipelined requests for the OpenAPI document (about 125 KB each), never read: the
    // answers fill the socket buffers and the server's writes stall.
    let mut greedy = TcpStream::connect(addr).await.unwrap();
    let request = b"GET /api/v1/openapi.json HTTP/1.1\r\nhost: x\r\n\r\n".repeat(400);
    let _ = tokio::time::timeout(Duration::from_secs(5), greedy.write_all(&request)).await;
    // The only slot is taken; once the stalled writes time out it is given back and the next
    // client is served.
    let answer = tokio::time::timeout(Duration::from_secs(20), get_healthz(addr))
        .await
        .expect("served once the stalled connection was cut off");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    drop(greedy);
    let _ = stop.send(());
    db.cleanup().await;
}
