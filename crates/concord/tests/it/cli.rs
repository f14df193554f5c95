//! The real binary: migrate, demo, users and tokens, and `verify` catching a tampered audit entry.

use std::io::Write;
use std::process::{Command, Stdio};

fn concord(data_dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("CONCORD_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[tokio::test]
async fn the_cli_loads_the_demo_manages_users_and_verifies_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let out = concord(dir.path(), &["migrate"], None);
    assert!(out.status.success(), "{}", text(&out));
    let out = concord(dir.path(), &["demo"], None);
    assert!(out.status.success() && text(&out).contains("Loaded"), "{}", text(&out));
    let out = concord(dir.path(), &["demo"], None);
    assert!(text(&out).contains("already loaded"), "loading twice changes nothing");

    let out = concord(
        dir.path(),
        &["user", "add", "operator", "--role", "admin", "--role", "host:almaty-2025"],
        Some("a long enough password\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = concord(dir.path(), &["user", "add", "weak"], Some("short\n"));
    assert!(!out.status.success() && text(&out).contains("at least"), "{}", text(&out));
    let out =
        concord(dir.path(), &["user", "add", "someone", "--role", "host:nowhere"], Some("a long enough password\n"));
    assert!(!out.status.success() && text(&out).contains("no event nowhere"), "{}", text(&out));
    let out = concord(dir.path(), &["user", "token", "operator", "--label", "ci"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).trim().starts_with("cnc_"));
    let out = concord(dir.path(), &["user", "passwd", "operator"], Some("another long password\n"));
    assert!(out.status.success(), "{}", text(&out));

    let out = concord(dir.path(), &["verify"], None);
    assert!(out.status.success() && text(&out).contains("intact"), "{}", text(&out));

    let store = store::Store::connect(&format!("sqlite:{}", dir.path().join("concord.db").display())).await.unwrap();
    crate::store_suite::tamper(&store, 3).await;
    store.close().await;
    let out = concord(dir.path(), &["verify"], None);
    assert!(!out.status.success(), "a tampered chain fails verification");
    assert!(text(&out).contains("entry 3"), "{}", text(&out));
}

#[test]
fn demo_mode_refuses_to_listen_beyond_this_machine() {
    let dir = tempfile::tempdir().unwrap();
    let out = concord(dir.path(), &["serve", "--demo", "--listen", "0.0.0.0:0"], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("only on this machine"), "{}", text(&out));
}

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["demo", "--help"],
        &["migrate", "--help"],
        &["user", "add", "--help"],
        &["user", "passwd", "--help"],
        &["user", "token", "--help"],
        &["verify", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_concord")).args(args).current_dir(dir.path()).output().unwrap();
        assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Usage"), "{args:?}");
    }
}
