//! A person gets a plain sentence on stderr: a wrong room code ends the listener (exit code 2)
//! with "no room has the code ..."; an unreachable server is retried and said to be
//! unreachable, and SIGTERM still ends it cleanly.

mod common;

use common::{Listener, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explains_unreachable_server_and_wrong_code() {
    let server = TestServer::start().await;
    let mut wrong = Listener::spawn(&[&server.url(), "--code", "ZZZZZZ"]);
    let status = wrong.wait_exit().await;
    assert_eq!(status.code(), Some(2), "stderr:\n{}", wrong.stderr());
    assert!(
        wrong.stderr().contains("no room has the code ZZZZZZ"),
        "stderr:\n{}",
        wrong.stderr()
    );

    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("ws://{}/ws", closed.local_addr().expect("addr"));
    drop(closed);
    let mut nowhere = Listener::spawn(&[&url, "--code", "ABCDEF"]);
    nowhere.wait_for_stderr("cannot reach the server").await;
    nowhere.wait_for_stderr("retrying in").await;
    nowhere.terminate();
    let status = nowhere.wait_exit().await;
    assert!(status.success(), "stderr:\n{}", nowhere.stderr());

    let mut bad = Listener::spawn(&["http://example.com/", "--code", "ABCDEF"]);
    let status = bad.wait_exit().await;
    assert!(!status.success());
    assert!(bad.stderr().contains("ws://"), "stderr:\n{}", bad.stderr());
    server.stop().await;
}
