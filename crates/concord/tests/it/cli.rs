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

/// Starts `concord serve --demo` on `database` (arguments), opens a live page, sends SIGTERM and
/// checks that the server exits within five seconds.
fn stops_promptly_with_a_live_page_open(database: &[&std::ffi::OsStr]) {
    use std::io::{BufRead, BufReader, Read};
    let mut server = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .args(database)
        .env_remove("CONCORD_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let address = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("Concord listens on http://").map(str::to_string))
        .expect("the address");
    let mut page = std::net::TcpStream::connect(&address).unwrap();
    write!(page, "GET /events/almaty-2025/programme/live HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
    let mut head = [0u8; 12];
    page.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    Command::new("kill").arg("-TERM").arg(server.id().to_string()).status().unwrap();
    let started = std::time::Instant::now();
    while server.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the server still waits (open stream, listener)"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn the_server_stops_promptly_with_live_pages_open() {
    let dir = tempfile::tempdir().unwrap();
    stops_promptly_with_a_live_page_open(&["--data-dir".as_ref(), dir.path().as_os_str()]);
}

#[tokio::test]
async fn the_server_stops_promptly_with_live_pages_open_on_postgresql() {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("PostgreSQL not configured (TEST_DATABASE_URL): skipped");
        return;
    };
    let name = format!("concord_cli_{}", uuid::Uuid::now_v7().simple());
    let admin = store::Store::connect(&url).await.unwrap();
    let store::Pool::Postgres(pool) = admin.pool() else { unreachable!("a PostgreSQL URL") };
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(pool).await.unwrap();
    let database = format!("{}/{name}", url.rsplit_once('/').unwrap().0);
    // The server runs on a thread of its own: the check blocks.
    let args = database.clone();
    tokio::task::spawn_blocking(move || stops_promptly_with_a_live_page_open(&["--database".as_ref(), args.as_ref()]))
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)"))).execute(pool).await.unwrap();
    admin.close().await;
}
