//! The one summary table: a row per measured case, printed as markdown.

/// One row of the summary table.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// Figure number and short title, e.g. `1 framing`.
    pub figure: String,
    /// Corpus and chunking (or other case name).
    pub case: String,
    /// Our figure (rate, time or size).
    pub ours: String,
    /// The peer's figure.
    pub peer: String,
    /// The reference (lower bound, JSON-only cost, raw client...).
    pub reference: String,
    /// Ours against the peer (`>1x` means ours is faster / smaller).
    pub vs_peer: String,
    /// Ours against the reference (`1.00x` means as cheap as the reference).
    pub vs_reference: String,
    /// `met` / `MISSED (...)` / `report`.
    pub verdict: String,
}

/// Prints the rows as one markdown table under a header naming the columns' meaning.
pub fn print(title: &str, columns: [&str; 3], rows: &[Row]) {
    println!("\n### {title}\n");
    println!(
        "| fig | case | {} | {} | {} | ours vs peer | ours vs ref | verdict |",
        columns[0], columns[1], columns[2]
    );
    println!("|---|---|---:|---:|---:|---:|---:|---|");
    for row in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.figure,
            row.case,
            row.ours,
            row.peer,
            row.reference,
            row.vs_peer,
            row.vs_reference,
            row.verdict
        );
    }
}

/// A rate with an SI prefix, e.g. `12.3 M/s`.
pub fn rate(per_second: f64) -> String {
    match per_second {
        r if r >= 1e9 => format!("{:.2} G/s", r / 1e9),
        r if r >= 1e6 => format!("{:.2} M/s", r / 1e6),
        r if r >= 1e3 => format!("{:.1} k/s", r / 1e3),
        r => format!("{r:.1} /s"),
    }
}

/// A ratio such as `12.3x`.
pub fn times(ratio: f64) -> String {
    if ratio >= 100.0 { format!("{ratio:.0}x") } else { format!("{ratio:.2}x") }
}

/// A byte count in MiB or KiB.
pub fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    }
}

/// `met` when `ok`, else `MISSED (<why>)`.
pub fn verdict(ok: bool, why: impl FnOnce() -> String) -> String {
    if ok { "met".to_owned() } else { format!("MISSED ({})", why()) }
}
