//! The commands granted to the UI's origin (`COMMANDS`, also read by build.rs to generate their
//! permissions) are exactly the ones registered with `generate_handler!`: a command missing from
//! the list would be refused at runtime, one extra would be granted for nothing.

#[test]
fn ipc_commands_match_handler() {
    let source = include_str!("../src/lib.rs");
    let start = source
        .find("generate_handler![")
        .expect("generate_handler! in lib.rs");
    let end = start
        + source[start..]
            .find("])")
            .expect("end of generate_handler!");
    let mut registered: Vec<&str> = source[start..end]
        .split("commands::")
        .skip(1)
        .map(|rest| {
            rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("")
        })
        .collect();
    let mut granted: Vec<&str> = tandem_desktop::COMMANDS.to_vec();
    registered.sort_unstable();
    granted.sort_unstable();
    assert_eq!(registered, granted);
    let commands = include_str!("../src/commands.rs");
    for name in &granted {
        assert!(
            commands.contains(&format!("pub async fn {name}("))
                || commands.contains(&format!("pub fn {name}(")),
            "{name} is not defined in commands.rs"
        );
    }
}
