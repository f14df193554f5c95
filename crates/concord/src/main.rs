//! `concord`: serve the application, load the demo, migrate, manage users, verify the audit chain.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use domain::accounts::{Role, check_username, hash_password, new_secret, validate_new_password};
use domain::policy::Actor;
use domain::validation::Checker;
use store::Store;
use store::audit::Verdict;

/// Concord runs intergovernmental meetings end to end.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Database {
    /// Where Concord keeps its data (the SQLite database by default).
    #[arg(long, env = "CONCORD_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// The database: `sqlite:PATH` or `postgres://…` (default: SQLite in the data directory).
    #[arg(long, env = "CONCORD_DATABASE_URL", global = true)]
    database: Option<String>,
}

impl Database {
    /// Connects and applies pending migrations.
    async fn open(&self) -> Result<Store> {
        let url = match &self.database {
            Some(url) => url.clone(),
            None => {
                std::fs::create_dir_all(&self.data_dir)
                    .with_context(|| format!("creating {}", self.data_dir.display()))?;
                format!("sqlite:{}", self.data_dir.join("concord.db").display())
            }
        };
        let store = Store::connect(&url).await.with_context(|| format!("opening the database {}", redact(&url)))?;
        store.migrate().await.context("applying migrations")?;
        Ok(store)
    }
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve Concord over HTTP.
    Serve {
        /// The address to listen on.
        #[arg(long, env = "CONCORD_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Demonstration mode: load the Almaty 2025 scenario if missing and let the demo accounts in.
        /// Refuses to listen beyond this machine.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (when a TLS proxy is in front).
        #[arg(long, env = "CONCORD_SECURE_COOKIES")]
        secure_cookies: bool,
        /// The address people reach Concord at, for links in e-mails and badges (default: http://LISTEN).
        #[arg(long, env = "CONCORD_BASE_URL")]
        base_url: Option<String>,
        /// How many searches of the register to keep until the data changes (0: none, each search runs).
        #[arg(long, env = "CONCORD_KEPT_SEARCHES", default_value_t = web::KEPT_SEARCHES)]
        kept_searches: usize,
        /// An SMTP relay to send notices through, as smtp://HOST:PORT (without one, notices stay in the app).
        #[arg(long, env = "CONCORD_SMTP")]
        smtp: Option<String>,
        /// The sender of notices.
        #[arg(long, env = "CONCORD_MAIL_FROM", default_value = "Concord <concord@localhost>")]
        mail_from: String,
        #[command(flatten)]
        db: Database,
    },
    /// Load the Almaty 2025 demonstration scenario into the database.
    Demo {
        #[command(flatten)]
        db: Database,
    },
    /// Apply the database migrations, then exit.
    Migrate {
        #[command(flatten)]
        db: Database,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Generate a synthetic event at any scale (for benchmarks): states, a body, delegations whose
    /// members are all accredited.
    Generate {
        /// The new event's slug.
        #[arg(long, default_value = "un-ga")]
        event: String,
        /// How many delegations (states, by ISO code; the first one hosts).
        #[arg(long, default_value_t = 193)]
        delegations: usize,
        /// Members per delegation.
        #[arg(long, default_value_t = 16)]
        members: usize,
        /// Programme items over the event's five days.
        #[arg(long, default_value_t = 1500)]
        items: usize,
        #[command(flatten)]
        db: Database,
    },
    /// Generate a register of documents (for benchmarks): documents of a body with versions of
    /// generated text, and one long document with two versions, whose id is printed.
    GenerateDocuments {
        /// The body's slug (`concord demo` makes `cis-cfm`).
        #[arg(long, default_value = "cis-cfm")]
        body: String,
        /// Documents in the register.
        #[arg(long, default_value_t = 20_000)]
        count: usize,
        /// Versions of each document.
        #[arg(long, default_value_t = 5)]
        versions: u32,
        /// Pages of the one long document with two versions (0: none).
        #[arg(long, default_value_t = 50)]
        pages: usize,
        /// Documents per transaction.
        #[arg(long, default_value_t = 500)]
        batch: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        db: Database,
    },
    /// Re-compute the audit chain and name the first broken entry.
    Verify {
        #[command(flatten)]
        db: Database,
    },
    /// The bilateral scheduler on files (formats in crates/schedule/README.md).
    Schedule {
        #[command(subcommand)]
        command: ScheduleCommand,
    },
}

/// A time limit: a number of seconds from 0 to a day.
fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if (0.0..=86_400.0).contains(&s) => Ok(s),
        _ => Err(format!("{text} is not a number of seconds from 0 to 86400")),
    }
}

#[derive(Subcommand)]
enum ScheduleCommand {
    /// Solve an instance and write the plan as JSON to standard output.
    Solve {
        #[arg(long)]
        input: PathBuf,
        /// Effort budget (search steps): the same instance, seed and budget give the same plan.
        #[arg(long)]
        budget: Option<u64>,
        /// Stop after this many seconds whatever the budget.
        #[arg(long, value_parser = seconds)]
        time_limit: Option<f64>,
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Check a plan against its instance: every violated constraint and the objective values.
    /// Exits with status 1 if any constraint is violated, 2 if a file cannot be read or the
    /// instance is invalid.
    Check {
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        plan: PathBuf,
    },
    /// Solve a B2B benchmark instance (MiniZinc data): all meetings placed, fewest breaks.
    B2b {
        file: PathBuf,
        /// Breaks of any two participants differ by at most this many.
        #[arg(long)]
        fairness: Option<u32>,
        /// Write the plan (a JSON list of 1-based slots, one per requested meeting) here.
        #[arg(long)]
        plan_out: Option<PathBuf>,
        /// Stop after this many seconds with the best plan found.
        #[arg(long, default_value_t = 60.0, value_parser = seconds)]
        time_limit: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input.
    Add {
        username: String,
        /// The name shown in the interface.
        #[arg(long)]
        display_name: Option<String>,
        /// Roles: `admin`, `secretariat:BODY`, `host:EVENT`, `ministry:CODE`, `officer:EVENT:CODE`, `press:EVENT`.
        #[arg(long = "role")]
        roles: Vec<String>,
        #[command(flatten)]
        db: Database,
    },
    /// Set a user's password, read from standard input.
    Passwd {
        username: String,
        #[command(flatten)]
        db: Database,
    },
    /// Create an API token for a user and print it (shown once).
    Token {
        username: String,
        /// What the token is for.
        #[arg(long, default_value = "api")]
        label: String,
        #[command(flatten)]
        db: Database,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CONCORD_LOG").unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve { listen, demo, secure_cookies, base_url, kept_searches, smtp, mail_from, db } => {
            let base_url = base_url.unwrap_or_else(|| format!("http://{listen}"));
            let config = web::Config { demo, secure_cookies, base_url, kept_searches };
            let mailer =
                smtp.map(|url| web::mail::Mailer::new(&url, &mail_from)).transpose().map_err(anyhow::Error::msg)?;
            serve(listen, config, mailer, db).await
        }
        Command::Demo { db } => {
            let store = db.open().await?;
            if concord::demo::is_loaded(&store).await? {
                println!("The demonstration scenario is already loaded.");
            } else {
                concord::demo::load(&store).await?;
                println!("Loaded the demonstration scenario (Almaty, 10–11 April 2025).");
            }
            Ok(())
        }
        Command::Migrate { db } => {
            db.open().await?;
            println!("Migrations applied.");
            Ok(())
        }
        Command::User { command } => user(command).await,
        Command::Generate { event, delegations, members, items, db } => {
            let store = db.open().await?;
            concord::generate::event(&store, &event, delegations, members, items).await?;
            println!("Generated {event}: {delegations} delegations of {members} members, {items} programme items.");
            Ok(())
        }
        Command::GenerateDocuments { body, count, versions, pages, batch, seed, db } => {
            let store = db.open().await?;
            let options = concord::generate_documents::Options { body, count, versions, pages, batch, seed };
            print!("{}", concord::generate_documents::register(&store, &options).await?);
            Ok(())
        }
        Command::Schedule { command } => schedule(command),
        Command::Verify { db } => {
            let store = db.open().await?;
            let entries = match store::audit::verify(&store).await? {
                Verdict::Intact { entries } => entries,
                Verdict::Broken { seq, reason } => {
                    bail!("the audit chain is broken at entry {seq}: {reason}")
                }
            };
            let problems = store::documents::verify(&store).await?;
            if !problems.is_empty() {
                bail!("documents fail verification:\n  {}", problems.join("\n  "))
            }
            println!("The audit chain is intact: {entries} entries.");
            println!("Every document version matches its hash and its audit entry.");
            println!("Every document, stance and signature matches what the audit last recorded of it.");
            Ok(())
        }
    }
}

fn schedule(command: ScheduleCommand) -> Result<()> {
    match command {
        ScheduleCommand::Solve { input, budget, time_limit, seed } => {
            println!("{}", concord::schedule::solve(&input, budget, time_limit, seed)?);
            Ok(())
        }
        ScheduleCommand::Check { input, plan } => {
            // As diff does: 1 for a plan that breaks a constraint, 2 for files that cannot be read.
            let (report, feasible) = concord::schedule::check(&input, &plan).unwrap_or_else(|e| {
                eprintln!("Error: {e:#}");
                std::process::exit(2)
            });
            println!("{report}");
            if feasible { Ok(()) } else { std::process::exit(1) }
        }
        ScheduleCommand::B2b { file, fairness, plan_out, time_limit, seed } => {
            let summary = concord::schedule::b2b(&file, fairness, plan_out.as_deref(), time_limit, seed)?;
            println!("{summary}");
            Ok(())
        }
    }
}

async fn serve(listen: SocketAddr, config: web::Config, mailer: Option<web::mail::Mailer>, db: Database) -> Result<()> {
    let demo = config.demo;
    if demo && !listen.ip().is_loopback() {
        bail!(
            "demonstration mode listens only on this machine (e.g. 127.0.0.1): its accounts share a published password"
        );
    }
    let store = db.open().await?;
    if demo && !concord::demo::is_loaded(&store).await? {
        concord::demo::load(&store).await?;
    }
    let state = web::AppState::new(store.clone(), config);
    let outbox = mailer.map(|m| m.spawn(store.clone()));
    let reminders = web::mail::spawn_reminders(state.clone());
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    println!("Concord listens on http://{}", listener.local_addr()?);
    if demo {
        let (names, password) = concord::demo::accounts()?;
        println!("Demonstration accounts (password \"{password}\"): {}", names.join(", "));
    }
    let closing = state.clone();
    let stop = async move {
        shutdown().await;
        closing.close_live_streams();
    };
    axum::serve(listener, web::app(state)).with_graceful_shutdown(stop).await?;
    if let Some(outbox) = outbox {
        outbox.abort();
    }
    reminders.abort();
    store.close().await;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

/// Reads a password from standard input (one line), prompting when it is a terminal.
fn read_password() -> Result<String> {
    if std::io::stdin().is_terminal() {
        eprint!("Password (shown as you type): ");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    validate_new_password(&password)
        .map_err(|e| anyhow::anyhow!("{e}: use at least {} characters", domain::accounts::MIN_PASSWORD_CHARS))?;
    Ok(password)
}

async fn user(command: UserCommand) -> Result<()> {
    let operator = Actor::anonymous();
    match command {
        UserCommand::Add { username, display_name, roles, db } => {
            let mut checker = Checker::new();
            check_username(&mut checker, &username);
            checker
                .finish(())
                .map_err(|_| anyhow::anyhow!("usernames are 3 to 64 lower-case letters, digits, '.', '-' or '_'"))?;
            let store = db.open().await?;
            let mut parsed = Vec::new();
            for role in &roles {
                parsed.push(parse_role(&store, role).await?);
            }
            let hash = hash_password(&read_password()?);
            let mut tx = store.begin().await?;
            let user = store::accounts::create_user(
                &mut tx,
                &operator,
                &username,
                display_name.as_deref().unwrap_or(&username),
                &hash,
                false,
            )
            .await?;
            for role in &parsed {
                store::accounts::grant(&mut tx, &operator, &user, role).await?;
            }
            tx.commit().await?;
            println!("Created user {username}.");
            Ok(())
        }
        UserCommand::Passwd { username, db } => {
            let store = db.open().await?;
            let user =
                store::accounts::by_username(&store, &username).await.with_context(|| format!("no user {username}"))?;
            let hash = hash_password(&read_password()?);
            let mut tx = store.begin().await?;
            store::accounts::set_password(&mut tx, &operator, user.id, &hash, None).await?;
            tx.commit().await?;
            println!("Password changed for {username}; their sessions were ended.");
            Ok(())
        }
        UserCommand::Token { username, label, db } => {
            let store = db.open().await?;
            let user =
                store::accounts::by_username(&store, &username).await.with_context(|| format!("no user {username}"))?;
            let token = format!("cnc_{}", new_secret());
            let mut tx = store.begin().await?;
            store::accounts::create_token(&mut tx, &operator, &user, &label, &token).await?;
            tx.commit().await?;
            println!("{token}");
            eprintln!("Send it as 'Authorization: Bearer {token}'. It is shown only now.");
            Ok(())
        }
    }
}

async fn parse_role(store: &Store, spec: &str) -> Result<Role> {
    let parts: Vec<&str> = spec.split(':').collect();
    Ok(match parts.as_slice() {
        ["admin"] => Role::Admin,
        ["secretariat", body] => Role::Secretariat {
            body: store::bodies::by_slug(store, body).await.with_context(|| format!("no body {body}"))?.id,
        },
        ["host", slug] => {
            let e = event(store, slug).await?;
            Role::Host { event: e.id, participant: e.host }
        }
        ["ministry", code] => Role::Ministry { participant: participant(store, code).await?.id },
        ["officer", slug, code] => Role::AccreditationOfficer {
            event: event(store, slug).await?.id,
            participant: participant(store, code).await?.id,
        },
        ["press", slug] => Role::Press { event: event(store, slug).await?.id },
        _ => bail!(
            "unknown role {spec}: use admin, secretariat:BODY, host:EVENT, ministry:CODE, officer:EVENT:CODE or press:EVENT"
        ),
    })
}

async fn event(store: &Store, slug: &str) -> Result<domain::events::Event> {
    store::events::by_slug(store, slug).await.with_context(|| format!("no event {slug}"))
}

async fn participant(store: &Store, code: &str) -> Result<domain::participants::Participant> {
    store::participants::by_code(store, code).await.with_context(|| format!("no participant {code}"))
}
