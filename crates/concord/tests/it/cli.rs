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

#[tokio::test]
async fn verify_names_a_document_whose_text_was_changed_behind_the_audit_chain() {
    let dir = tempfile::tempdir().unwrap();
    let out = concord(dir.path(), &["demo"], None);
    assert!(out.status.success(), "{}", text(&out));
    let store = store::Store::connect(&format!("sqlite:{}", dir.path().join("concord.db").display())).await.unwrap();
    if let store::Pool::Sqlite(pool) = store.pool() {
        let tampered = "UPDATE document_versions SET paragraphs = json_set(paragraphs, '$[0].text', 'Подменённый текст.') \
             WHERE language = 'ru' AND number = 1 \
             AND document_id = (SELECT id FROM documents WHERE register_number = 'СМИД/2025/07')";
        sqlx::query(tampered).execute(pool).await.unwrap();
    }
    store.close().await;
    let out = concord(dir.path(), &["verify"], None);
    assert!(!out.status.success(), "a tampered document fails verification");
    assert!(text(&out).contains("СМИД/2025/07"), "{}", text(&out));
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

fn schedule(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_concord")).arg("schedule").args(args).output().expect("the binary runs")
}

#[test]
fn the_scheduler_solves_a_file_and_an_independent_check_reads_the_plan_back() {
    let dir = tempfile::tempdir().unwrap();
    let instance = serde_json::json!({
        "grid": 15, "buffer": 0, "days": [{ "start": 540, "end": 660 }],
        "rooms": [{ "id": "green", "venue": "mfa", "capacity": 6 }],
        "persons": [{ "id": "kz" }, { "id": "ru" }, { "id": "tj", "busy": [{ "start": 540, "end": 660 }] }],
        "requests": [
            { "id": "kz-ru", "persons": ["kz", "ru"], "duration": 30, "weight": 4 },
            { "id": "kz-tj", "persons": ["kz", "tj"], "duration": 30, "weight": 2 }
        ]
    });
    let input = dir.path().join("instance.json");
    std::fs::write(&input, instance.to_string()).unwrap();
    let out = schedule(&["solve", "--input", input.to_str().unwrap(), "--budget", "1000", "--seed", "3"]);
    assert!(out.status.success(), "{}", text(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["meetings"][0]["request"], "kz-ru");
    assert_eq!(plan["unplaced"][0]["request"], "kz-tj");
    assert_eq!(plan["unplaced"][0]["reasons"][0], serde_json::json!({ "kind": "person_unavailable", "person": "tj" }));
    assert_eq!(plan["proven_optimal"], true);
    let again = schedule(&["solve", "--input", input.to_str().unwrap(), "--budget", "1000", "--seed", "3"]);
    assert_eq!(again.stdout, out.stdout, "the same instance, seed and budget give the same plan");

    let plan_file = dir.path().join("plan.json");
    std::fs::write(&plan_file, &out.stdout).unwrap();
    let out = schedule(&["check", "--input", input.to_str().unwrap(), "--plan", plan_file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["objective"]["weight"], 4);

    let mut broken = plan;
    broken["meetings"][0]["start"] = serde_json::json!(647);
    std::fs::write(&plan_file, broken.to_string()).unwrap();
    let out = schedule(&["check", "--input", input.to_str().unwrap(), "--plan", plan_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "a violated constraint fails the check");
    assert!(text(&out).contains("kz-ru"), "the violation names the request: {}", text(&out));

    let bad = dir.path().join("bad.json");
    let mut wrong = instance.clone();
    wrong["requests"][0]["persons"] = serde_json::json!(["kz", "nobody"]);
    std::fs::write(&bad, wrong.to_string()).unwrap();
    let out = schedule(&["solve", "--input", bad.to_str().unwrap()]);
    assert!(!out.status.success() && text(&out).contains("unknown person \"nobody\""), "{}", text(&out));
    let out = schedule(&["check", "--input", bad.to_str().unwrap(), "--plan", plan_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "an invalid instance is not a violated constraint: {}", text(&out));

    // A misspelt field is refused, not dropped with the constraint it carries; a value of the
    // wrong kind is named by where it is.
    let mut misspelt = instance.clone();
    misspelt["requests"][0]["fixd"] = serde_json::json!({ "start": 600, "room": "green" });
    std::fs::write(&bad, misspelt.to_string()).unwrap();
    let out = schedule(&["solve", "--input", bad.to_str().unwrap()]);
    assert!(!out.status.success() && text(&out).contains("requests[0].fixd: unknown field `fixd`"), "{}", text(&out));
    let mut negative = instance.clone();
    negative["requests"][1]["weight"] = serde_json::json!(-3);
    std::fs::write(&bad, format!("\u{feff}{negative}")).unwrap();
    let out = schedule(&["solve", "--input", bad.to_str().unwrap()]);
    assert!(!out.status.success() && text(&out).contains("requests[1].weight: invalid value"), "{}", text(&out));
    let out = schedule(&["solve", "--input", input.to_str().unwrap(), "--time-limit=-1"]);
    assert_eq!(out.status.code(), Some(2), "a usage error, not a crash: {}", text(&out));
    assert!(text(&out).contains("not a number of seconds from 0 to 86400"), "{}", text(&out));

    // A plan's own figures are checked, and a plan far outside the event is a violation, not a crash.
    let mut claims = serde_json::from_slice::<serde_json::Value>(&again.stdout).unwrap();
    claims["objective"]["weight"] = serde_json::json!(99);
    claims["meetings"][0]["start"] = serde_json::json!(i64::MAX - 10);
    claims["meetings"][0]["end"] = serde_json::json!(i64::MAX);
    std::fs::write(&plan_file, claims.to_string()).unwrap();
    let out = schedule(&["check", "--input", input.to_str().unwrap(), "--plan", plan_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let constraints: Vec<&str> =
        report["violations"].as_array().unwrap().iter().map(|v| v["constraint"].as_str().unwrap()).collect();
    assert!(constraints.contains(&"day") && constraints.contains(&"objective"), "{report}");
}

#[test]
fn the_b2b_benchmark_format_is_solved_to_its_optimum_and_the_plan_written() {
    let dir = tempfile::tempdir().unwrap();
    // Three participants who all meet each other at one table in three slots: one must wait.
    let file = dir.path().join("triangle.dzn");
    std::fs::write(
        &file,
        "nBusiness = 3; nMeetings = 3; nTables = 1; nTotalSlots = 3; nMorningSlots = 2;\n\
         requested = [| 1, 2, 3 | 1, 3, 3 | 2, 3, 3 |];\n",
    )
    .unwrap();
    let plan = dir.path().join("plan.json");
    let out = schedule(&["b2b", file.to_str().unwrap(), "--fairness", "2", "--plan-out", plan.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("total breaks 1 (optimal)"), "{}", text(&out));
    let mut slots: Vec<u32> = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    slots.sort();
    assert_eq!(slots, [1, 2, 3], "one slot per meeting, 1-based");
    std::fs::write(&file, "nBusiness = 3;").unwrap();
    let out = schedule(&["b2b", file.to_str().unwrap()]);
    assert!(!out.status.success() && text(&out).contains("nMeetings"), "{}", text(&out));
    // A model of a variable per meeting and slot: slots past a day's are refused, not tried.
    std::fs::write(
        &file,
        "nBusiness = 3; nMeetings = 3; nTables = 2; nTotalSlots = 5000; nMorningSlots = 2;\n\
         requested = [| 1, 2, 3 | 1, 3, 3 | 2, 3, 2 |];\n",
    )
    .unwrap();
    let out = schedule(&["b2b", file.to_str().unwrap(), "--time-limit", "3"]);
    assert!(!out.status.success() && text(&out).contains("at most 200 are taken"), "{}", text(&out));
}
