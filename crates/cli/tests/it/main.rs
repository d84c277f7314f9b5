//! The `trustwork` binary as a user runs it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_trustwork");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tw-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["demo", "--help"],
        vec!["migrate", "--help"],
        vec!["account", "create", "--help"],
        vec!["token", "create", "--help"],
        vec!["scan", "--help"],
        vec!["evaluate", "--help"],
        vec!["policy", "check", "--help"],
        vec!["policy", "test", "--help"],
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn migrate_create_an_admin_and_a_token() {
    let dir = temp_dir("setup");
    let data = dir.to_str().unwrap();
    let out = Command::new(BIN)
        .args(["migrate", "--data-dir", data])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("trustwork.db").exists());

    let mut child = Command::new(BIN)
        .args([
            "account",
            "create",
            "--email",
            "root@example.com",
            "--name",
            "Root",
            "--role",
            "admin",
            "--data-dir",
            data,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("acc_"));

    let out = Command::new(BIN)
        .args([
            "token",
            "create",
            "--name",
            "ops",
            "--scope",
            "accounts:read",
            "--data-dir",
            data,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("tw_"));

    let out = Command::new(BIN)
        .args([
            "token",
            "create",
            "--name",
            "ops",
            "--scope",
            "everything",
            "--data-dir",
            data,
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown scope"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_bad_config_file_names_the_line() {
    let dir = temp_dir("config");
    let file = dir.join("tw.toml");
    std::fs::write(&file, "bind = \"127.0.0.1:1\"\n\nport = 9\n").unwrap();
    let out = Command::new(BIN)
        .args(["migrate", "--config", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

struct Kill(std::process::Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_demo_serves_the_console_and_writes_credentials() {
    let dir = temp_dir("demo");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(BIN)
        .args([
            "demo",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
            dir.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _guard = Kill(child);
    let started = Instant::now();
    let mut answered = false;
    while started.elapsed() < Duration::from_secs(60) {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read;
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut reply = String::new();
            let _ = s.read_to_string(&mut reply);
            if reply.starts_with("HTTP/1.1 200") {
                answered = true;
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(answered, "the demo never answered /healthz");
    let creds: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("demo-credentials.json")).unwrap())
            .unwrap();
    assert!(
        creds["admin_api_token"]
            .as_str()
            .unwrap()
            .starts_with("tw_")
    );
    let accounts = creds["accounts"].as_array().unwrap();
    for role in ["admin", "agent", "support", "client", "freelancer"] {
        assert!(accounts.iter().any(|a| a["role"] == role), "{role}");
    }
    assert!(
        accounts
            .iter()
            .all(|a| a["id"].is_string() && a["email"].is_string() && a["password"].is_string())
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn policy_check_names_the_rule_and_line_and_test_replays() {
    let dir = temp_dir("policy");
    let good = concat!(env!("CARGO_MANIFEST_DIR"), "/../app/policy/default.toml");
    let out = Command::new(BIN)
        .args(["policy", "check", good])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("is valid"));

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "version = \"b\"\n\n[[rule]]\nname = \"oops\"\nwhen = 'findings.exists(f, f.category = \"x\")'\nverdict = \"block\"\nreason = \"r\"\n").unwrap();
    let out = Command::new(BIN)
        .args(["policy", "check", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:4") && err.contains("rule \"oops\""),
        "{err}"
    );

    let out = Command::new(BIN)
        .args(["policy", "test", good, "--data-dir", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 events replayed"));
    std::fs::remove_dir_all(dir).ok();
}
