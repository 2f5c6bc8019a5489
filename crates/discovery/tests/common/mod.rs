//! Where a multicast test runs, and helpers to wait for the browser.
//!
//! A test that needs real multicast calls [`isolated`] first:
//!
//! 1. Where it can (root, or unprivileged user namespaces, plus `unshare` and `ip`), the test
//!    re-runs itself as a child process in a fresh network namespace whose only interface is
//!    `lo`, brought up first (`unshare --net`, `ip link set lo up`). There the daemons use the
//!    loopback scope on the standard port: no packet leaves the namespace, nothing outside is
//!    heard, and parallel tests cannot hear each other. The parent passes or fails with the
//!    child, and checks that the child really ran the test.
//! 2. Otherwise it runs in-process on the host's loopback interface with a port of its own,
//!    after a probe that a multicast datagram sent on 127.0.0.1 comes back.
//! 3. If that probe fails it SKIPS LOUDLY (written straight to stderr, past libtest's capture),
//!    or fails when `TANDEM_DISCOVERY_REQUIRE_MULTICAST=1` is set, as CI should.

#![allow(dead_code)]

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use discovery::{Browser, DaemonConfig, DiscoveredRoom, RoomAnnouncement};
use socket2::{Domain, Protocol, Socket, Type};

/// Set in the child that runs inside the network namespace.
pub const IN_NETNS_ENV: &str = "TANDEM_DISCOVERY_IN_NETNS";
/// Set to `1` to turn a skip into a failure.
pub const REQUIRE_ENV: &str = "TANDEM_DISCOVERY_REQUIRE_MULTICAST";

/// Namespace setup: only `lo`, up.
pub const LO_ONLY: &str = "ip link set lo up";

/// Namespace setup: `lo`, plus a veth pair `tnd0`/`tnd1` (198.51.100.1 and .2, a
/// documentation range) standing in for a LAN; it exists only inside the namespace.
pub const VETH_LAN: &str = "ip link set lo up \
    && ip link add tnd0 type veth peer name tnd1 \
    && ip addr add 198.51.100.1/24 dev tnd0 && ip addr add 198.51.100.2/24 dev tnd1 \
    && ip link set tnd0 up && ip link set tnd1 up";

/// The protocol version the tests announce and browse.
pub const PROTOCOL: u32 = 1;

/// How long a room may take to show up: mdns-sd probes its name for about 750 ms first.
pub const FOUND_WITHIN: Duration = Duration::from_secs(10);

/// Where the test runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In a network namespace of its own (the child process).
    Namespace,
    /// On the host's loopback interface, on a port of its own.
    HostLoopback,
}

/// The daemon settings to run test `name` with here, or `None` when the test already ran in a
/// child process (and passed, or this panics) or is skipped (loudly).
///
/// `name` must be the test function's name; `host_port` is the mDNS port used if it has to run
/// on the host (a different one per test, so tests running in parallel keep apart).
pub fn isolated(name: &str, host_port: u16) -> Option<(DaemonConfig, Place)> {
    if std::env::var_os(IN_NETNS_ENV).is_some() {
        return Some((DaemonConfig::loopback(), Place::Namespace));
    }
    match namespaces() {
        Ok(()) => {
            run_in_namespace(name, LO_ONLY);
            None
        }
        Err(no_netns) => match loopback_multicast(host_port) {
            Ok(()) => {
                say(&format!(
                    "note: {name}: no network namespace ({no_netns}); running on the host's \
                     loopback interface, mDNS port {host_port}"
                ));
                Some((
                    DaemonConfig::loopback().with_port(host_port),
                    Place::HostLoopback,
                ))
            }
            Err(no_multicast) => {
                skip(
                    name,
                    &format!(
                        "no network namespace ({no_netns}) and no multicast on the host's \
                         loopback ({no_multicast})"
                    ),
                );
                None
            }
        },
    }
}

/// Like [`isolated`] for a test that only makes sense in a namespace set up by the shell
/// commands `setup` ([`LO_ONLY`], [`VETH_LAN`]): true when the caller is that namespace's child
/// and should run the test body.
pub fn namespace_only(name: &str, setup: &str) -> bool {
    if std::env::var_os(IN_NETNS_ENV).is_some() {
        return true;
    }
    match namespaces() {
        Ok(()) => run_in_namespace(name, setup),
        Err(no_netns) => skip(name, &format!("it needs a network namespace ({no_netns})")),
    }
    false
}

/// Whether `unshare --net` works here (checked once per test binary).
fn namespaces() -> Result<(), String> {
    static CHECK: OnceLock<Result<(), String>> = OnceLock::new();
    CHECK
        .get_or_init(|| {
            let out = Command::new("unshare")
                .args(["--net", "--", "ip", "link", "set", "lo", "up"])
                .output()
                .map_err(|e| format!("cannot run `unshare`: {e}"))?;
            if out.status.success() {
                Ok(())
            } else {
                Err(format!(
                    "`unshare --net -- ip link set lo up` failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ))
            }
        })
        .clone()
}

/// Runs test `name` of this test binary in a new network namespace set up by `setup`; panics
/// with its output unless it ran and passed.
fn run_in_namespace(name: &str, setup: &str) {
    let exe = std::env::current_exe().expect("path of the test binary");
    let started = Instant::now();
    let script = format!(r#"{setup} && exec "$0" "$@""#);
    let out = Command::new("unshare")
        .args(["--net", "--", "sh", "-c", &script])
        .arg(&exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(IN_NETNS_ENV, "1")
        .output()
        .expect("run the test in a network namespace");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Shown by libtest only if this test fails; the child's own summary lines are left out so
    // that nothing reading the outer output mistakes them for the real one.
    for line in stdout.lines().filter(|l| !is_summary(l)) {
        println!("[netns] {line}");
    }
    for line in stderr.lines() {
        eprintln!("[netns] {line}");
    }
    assert!(
        out.status.success(),
        "{name} failed in its network namespace ({})",
        out.status
    );
    assert!(
        stdout.contains("1 passed"),
        "{name} did not run in its network namespace (wrong test name?)"
    );
    println!(
        "{name} ran in its own network namespace in {:?}",
        started.elapsed()
    );
}

fn is_summary(line: &str) -> bool {
    line.starts_with("test result:") || line.starts_with("running ")
}

/// Whether an IPv4 multicast datagram sent on 127.0.0.1 to the mDNS group comes back.
fn loopback_multicast(port: u16) -> Result<(), String> {
    const GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 251);
    let lo = Ipv4Addr::LOCALHOST;
    let io = |what: &str, e: std::io::Error| format!("{what}: {e}");
    let rx =
        Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP)).map_err(|e| io("socket", e))?;
    rx.set_reuse_address(true)
        .map_err(|e| io("SO_REUSEADDR", e))?;
    #[cfg(unix)]
    rx.set_reuse_port(true).map_err(|e| io("SO_REUSEPORT", e))?;
    rx.bind(&SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port)).into())
        .map_err(|e| io("bind", e))?;
    rx.join_multicast_v4(&GROUP, &lo)
        .map_err(|e| io("join 224.0.0.251 on lo", e))?;
    rx.set_read_timeout(Some(Duration::from_secs(1)))
        .map_err(|e| io("timeout", e))?;

    let tx =
        Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP)).map_err(|e| io("socket", e))?;
    tx.set_multicast_if_v4(&lo)
        .map_err(|e| io("IP_MULTICAST_IF lo", e))?;
    tx.set_multicast_loop_v4(true)
        .map_err(|e| io("IP_MULTICAST_LOOP", e))?;
    let token = format!("tandem-probe-{}", std::process::id());
    tx.send_to(
        token.as_bytes(),
        &SocketAddr::V4(SocketAddrV4::new(GROUP, port)).into(),
    )
    .map_err(|e| io("send to 224.0.0.251 on lo", e))?;

    let rx: std::net::UdpSocket = rx.into();
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut buf = [0_u8; 512];
    while Instant::now() < deadline {
        let (n, _) = rx.recv_from(&mut buf).map_err(|e| io("receive on lo", e))?;
        if &buf[..n] == token.as_bytes() {
            return Ok(());
        }
    }
    Err("the probe datagram did not come back".into())
}

fn skip(name: &str, reason: &str) {
    let msg = format!(
        "\n==================== SKIPPED: {name} ====================\n\
         reason: {reason}\n\
         this test needs IPv4 multicast on a loopback interface. To run it for real:\n\
         - as root (or with user namespaces) with `unshare` (util-linux) and `ip` (iproute2)\n\
         \x20 installed, it runs itself in a private network namespace; or\n\
         - on the host: `ip link set lo up` (some systems also need\n\
         \x20 `ip link set lo multicast on`); loopback-only tests then run in-process.\n\
         Set {REQUIRE_ENV}=1 (as CI should) to make this a failure instead of a skip.\n\
         =========================================================\n"
    );
    if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
        panic!("{msg}");
    }
    say(&msg);
}

/// Writes past libtest's output capture, so it is seen even when the test passes.
fn say(msg: &str) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// A valid announcement for tests.
pub fn announcement(room_name: &str, code: &str, port: u16) -> RoomAnnouncement {
    RoomAnnouncement {
        room_name: room_name.into(),
        host_name: "Ada".into(),
        code: code.into(),
        port,
        has_password: false,
        members: 1,
        protocol: PROTOCOL,
    }
}

/// Polls the browser until `done` holds for its list; panics with the list after `timeout`.
pub fn wait_for(
    browser: &Browser,
    timeout: Duration,
    what: &str,
    done: impl Fn(&[DiscoveredRoom]) -> bool,
) -> Vec<DiscoveredRoom> {
    let started = Instant::now();
    loop {
        let rooms = browser.rooms();
        if done(&rooms) {
            println!("{what}: after {:?}", started.elapsed());
            return rooms;
        }
        assert!(
            started.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}; the list is {rooms:#?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
