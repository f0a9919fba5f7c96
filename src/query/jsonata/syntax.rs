//! From expression text to the tree we evaluate: parse with `jsonata-core`,
//! refuse what AWS's JSONata does not accept, find error positions the
//! parser does not report, and instrument the tree so evaluation is bounded
//! and deterministic.

use super::SyntaxError;
use jsonata_core::ast::{AstNode, BinaryOp, Stage};
use jsonata_core::parser::{self, Lexer, ParserError, Token};

/// The host function every function body calls first: it counts one step of
/// the evaluation's budget. Its name cannot be written in an expression
/// (JSONata names have no spaces), so nothing can call or shadow it.
pub const STEP: &str = "asl-sim step";
/// The host function that fills in, from the virtual clock, the leading date
/// components a `$toMillis` picture leaves out (see `functions`); wraps the
/// timestamp argument.
pub const TO_MILLIS_TIMESTAMP: &str = "asl-sim toMillis timestamp";
/// Its counterpart that extends the picture argument to match.
pub const TO_MILLIS_PICTURE: &str = "asl-sim toMillis picture";
/// Wraps the result of `&` and of the functions that build strings: fails when the
/// string is longer than `MAX_STRING_LENGTH`, else returns it.
pub const STRING_CHECK: &str = "asl-sim string length";
/// Wraps `$pad`'s width.
pub const WIDTH_CHECK: &str = "asl-sim pad width";
/// Wraps `$string`'s argument: fails when writing it would exceed the string limit.
pub const VALUE_CHECK: &str = "asl-sim string of value";
/// Checks `$join`'s and `$replace`'s arguments before they run (see `bound_arguments`).
pub const JOIN_CHECK: &str = "asl-sim join size";
pub const REPLACE_CHECK: &str = "asl-sim replace size";

/// The built-in functions whose result is a string that can be longer than their input.
const STRING_BUILDERS: [&str; 10] =
    ["pad", "join", "string", "replace", "formatNumber", "formatInteger", "formatBase", "base64encode", "encodeUrl", "encodeUrlComponent"];

/// The names through which an expression can draw random numbers.
const RANDOM_FUNCTIONS: [&str; 3] = ["random", "uuid", "shuffle"];

pub struct Compiled {
    pub ast: AstNode,
    /// Whether the expression names `$random`, `$uuid` or `$shuffle`
    /// (in a call or as a value), and so may draw random numbers.
    pub draws_randomness: bool,
}

pub fn compile(text: &str) -> Result<Compiled, SyntaxError> {
    let mut ast = parser::parse(text).map_err(|e| syntax_error(text, &e))?;
    let mut found = Found::default();
    visit(&mut ast, &mut found);
    bound_strings(&mut ast, false);
    // AWS's JSONata (2.0.x) predates these two operators of JSONata 2.1.
    if let Some((op, token)) = found.unsupported_operator {
        let offset = operator_offset(text, token, &op).unwrap_or(0);
        return Err(SyntaxError {
            code: Some("S0201".to_string()),
            message: format!(
                "Syntax error: \"{}\": the {} operator is not supported by the JSONata version AWS Step Functions uses",
                op,
                if op == "??" { "coalescing" } else { "default" }
            ),
            offset,
        });
    }
    Ok(Compiled { ast, draws_randomness: found.random })
}

#[derive(Default)]
struct Found {
    random: bool,
    unsupported_operator: Option<(String, Token)>,
}

/// Walk the whole tree once: note what it uses, and instrument it.
fn visit(node: &mut AstNode, found: &mut Found) {
    for_each_child(node, &mut |child| visit(child, found));
    match node {
        AstNode::Function { name, .. } | AstNode::Variable(name) if RANDOM_FUNCTIONS.contains(&name.as_str()) => {
            found.random = true;
        }
        AstNode::Binary { op: BinaryOp::Coalesce, .. } if found.unsupported_operator.is_none() => {
            found.unsupported_operator = Some(("??".to_string(), Token::QuestionQuestion));
        }
        AstNode::Binary { op: BinaryOp::Default, .. } if found.unsupported_operator.is_none() => {
            found.unsupported_operator = Some(("?:".to_string(), Token::QuestionColon));
        }
        _ => {}
    }
    match node {
        // `function(…) { body }` becomes `function(…) { $step() ? body }`: every
        // application of a function (a direct call, a callback of `$map` and
        // friends, each pass of a tail-call loop) counts one step. A
        // conditional keeps the body in tail position, so tail calls stay
        // tail calls, and `$step()` returns true or fails. It is given the
        // parameters, to look at their size (see `functions::step`).
        AstNode::Lambda { body, params, .. } => {
            let inner = std::mem::replace(&mut **body, AstNode::Null);
            let params = params.iter().map(|p| AstNode::Variable(p.clone())).collect();
            **body = AstNode::Conditional { condition: Box::new(call(STEP, params)), then_branch: Box::new(inner), else_branch: None };
        }
        // `$toMillis(t, picture)` becomes
        // `$toMillis($ts(t, picture), $pic(picture))`, so that a picture
        // that leaves out the leading components takes them from the virtual
        // clock, not from the machine's (see `functions::to_millis_*`).
        AstNode::Function { name, args, is_builtin: true }
            if name == "toMillis" && args.len() == 2 && !args.iter().any(|a| matches!(a, AstNode::Placeholder)) =>
        {
            let picture = args[1].clone();
            let timestamp = std::mem::replace(&mut args[0], AstNode::Null);
            args[0] = call(TO_MILLIS_TIMESTAMP, vec![timestamp, picture.clone()]);
            args[1] = call(TO_MILLIS_PICTURE, vec![picture]);
        }
        _ => {}
    }
}

/// Bound the strings an expression builds (see `super::MAX_STRING_LENGTH`): `a & b`
/// and each function of `STRING_BUILDERS` become `$check(…)`, so no string grows past
/// the limit by repetition; `$pad`'s width, `$string`'s argument and `$join`'s and
/// `$replace`'s arguments are checked before the call, so none builds a huge string in
/// one go. `piped`: the node is the function of `x ~> $f(…)`, which gets `x` as its
/// first argument at run time; it is left as it is, and the pipe checked instead.
fn bound_strings(node: &mut AstNode, piped: bool) {
    if let AstNode::Binary { op: BinaryOp::ChainPipe, lhs, rhs } = node {
        bound_strings(lhs, false);
        bound_strings(rhs, true);
        let AstNode::Function { name, args, is_builtin: true } = &mut **rhs else { return };
        if !STRING_BUILDERS.contains(&name.as_str()) {
            return;
        }
        match name.as_str() {
            "pad" if !args.is_empty() => {
                let width = std::mem::replace(&mut args[0], AstNode::Null);
                args[0] = call(WIDTH_CHECK, vec![width]);
            }
            "string" => {
                let value = std::mem::replace(&mut **lhs, AstNode::Null);
                **lhs = call(VALUE_CHECK, vec![value]);
            }
            _ => {}
        }
        let inner = std::mem::replace(node, AstNode::Null);
        *node = call(STRING_CHECK, vec![inner]);
        return;
    }
    for_each_child(node, &mut |child| bound_strings(child, false));
    let builds = match node {
        AstNode::Binary { op: BinaryOp::Concatenate, .. } => None,
        AstNode::Function { name, args, is_builtin: true }
            if !piped && STRING_BUILDERS.contains(&name.as_str()) && !args.iter().any(|a| matches!(a, AstNode::Placeholder)) =>
        {
            Some(name.clone())
        }
        _ => return,
    };
    if let (Some(name), AstNode::Function { args, .. }) = (builds, &mut *node) {
        match name.as_str() {
            "pad" if args.len() >= 2 => {
                let width = std::mem::replace(&mut args[1], AstNode::Null);
                args[1] = call(WIDTH_CHECK, vec![width]);
            }
            "string" if !args.is_empty() => {
                let value = std::mem::replace(&mut args[0], AstNode::Null);
                args[0] = call(VALUE_CHECK, vec![value]);
            }
            "join" if !args.is_empty() => bound_arguments(node, JOIN_CHECK, &[0, 1]),
            "replace" if args.len() >= 3 => bound_arguments(node, REPLACE_CHECK, &[0, 1, 2]),
            _ => {}
        }
    }
    let inner = std::mem::replace(node, AstNode::Null);
    *node = call(STRING_CHECK, vec![inner]);
}

/// `$f(a, b, c)` → `($'asl-sim 0' := a; $'asl-sim 2' := c; $check($'asl-sim 0', $'asl-sim 2'); $f($'asl-sim 0', b, $'asl-sim 2'))`
/// for the arguments at `checked`: each is evaluated once, as before (the names, with a
/// space, cannot be written in an expression), and `check` sees them before `$f` runs.
fn bound_arguments(node: &mut AstNode, check: &str, checked: &[usize]) {
    let AstNode::Function { args, .. } = node else { return };
    let mut block = Vec::new();
    let mut seen = Vec::new();
    for &i in checked {
        let Some(arg) = args.get_mut(i) else { continue };
        let name = format!("asl-sim {i}");
        let value = std::mem::replace(arg, AstNode::Variable(name.clone()));
        block.push(AstNode::Binary { op: BinaryOp::ColonEqual, lhs: Box::new(AstNode::Variable(name.clone())), rhs: Box::new(value) });
        seen.push(AstNode::Variable(name));
    }
    block.push(call(check, seen));
    block.push(std::mem::replace(node, AstNode::Null));
    *node = AstNode::Block(block);
}

fn call(name: &str, args: Vec<AstNode>) -> AstNode {
    AstNode::Function { name: name.to_string(), args, is_builtin: true }
}

/// Every direct child of a node. Lists every variant, so a new one in a
/// newer `jsonata-core` fails to compile here instead of going unvisited.
fn for_each_child(node: &mut AstNode, f: &mut dyn FnMut(&mut AstNode)) {
    match node {
        AstNode::String(_)
        | AstNode::Name(_)
        | AstNode::Number(_)
        | AstNode::Boolean(_)
        | AstNode::Null
        | AstNode::Undefined
        | AstNode::Placeholder
        | AstNode::Regex { .. }
        | AstNode::Variable(_)
        | AstNode::ParentVariable(_)
        | AstNode::Wildcard
        | AstNode::Descendant
        | AstNode::Parent(_) => {}
        AstNode::Path { steps } => {
            for step in steps {
                f(&mut step.node);
                for stage in &mut step.stages {
                    match stage {
                        Stage::Filter(e) => f(e),
                        Stage::KeepArray | Stage::Index(_) => {}
                    }
                }
            }
        }
        AstNode::Binary { lhs, rhs, .. } => {
            f(lhs);
            f(rhs);
        }
        AstNode::Unary { operand, .. } => f(operand),
        AstNode::Function { args, .. } => args.iter_mut().for_each(f),
        AstNode::Call { procedure, args } => {
            f(procedure);
            args.iter_mut().for_each(f);
        }
        AstNode::Lambda { body, .. } => f(body),
        AstNode::Array(items) | AstNode::ArrayGroup(items) | AstNode::Block(items) => items.iter_mut().for_each(f),
        AstNode::Object(pairs) => {
            for (k, v) in pairs {
                f(k);
                f(v);
            }
        }
        AstNode::ObjectTransform { input, pattern } => {
            f(input);
            for (k, v) in pattern {
                f(k);
                f(v);
            }
        }
        AstNode::Conditional { condition, then_branch, else_branch } => {
            f(condition);
            f(then_branch);
            if let Some(e) = else_branch {
                f(e);
            }
        }
        AstNode::FunctionApplication(e) => f(e),
        AstNode::Sort { input, terms } => {
            f(input);
            for (t, _) in terms {
                f(t);
            }
        }
        AstNode::Transform { location, update, delete } => {
            f(location);
            f(update);
            if let Some(d) = delete {
                f(d);
            }
        }
    }
}

/// The byte offset of the first `op` in `text` that the lexer reads as that
/// operator token (not inside a string, name, regex or comment).
fn operator_offset(text: &str, token: Token, op: &str) -> Option<usize> {
    text.match_indices(op).map(|(i, _)| i).find(|&i| last_token(&text[..i + op.len()]) == Some(token.clone()))
}

/// The last token of `text`, or `None` if it does not lex.
fn last_token(text: &str) -> Option<Token> {
    tokens(text).and_then(|mut t| t.pop())
}

/// The tokens of `text`, or `None` if it does not lex.
fn tokens(text: &str) -> Option<Vec<Token>> {
    let mut lexer = Lexer::new(text.to_string());
    let mut out = Vec::new();
    loop {
        match lexer.next_token() {
            Ok(Token::Eof) => return Some(out),
            Ok(t) => out.push(t),
            Err(_) => return None,
        }
    }
}

/// Where the token that ends at byte `end` starts: the furthest start, back
/// to the previous white space, from which `text[start..end]` lexes to that
/// one token. (Falls back to the token's last character.)
fn token_start(text: &str, end: usize) -> usize {
    let last_char = text[..end].chars().next_back().map_or(0, char::len_utf8);
    let Some(target) = last_token(&text[..end]) else { return end - last_char };
    let mut start = end - last_char;
    for (j, c) in text[..end].char_indices().rev().take(256) {
        if c.is_whitespace() {
            break;
        }
        if tokens(&text[j..end]).is_some_and(|t| t.len() == 1 && t[0] == target) {
            start = j;
        }
    }
    start
}

/// The longest text whose error position we look for (see `error_offset`).
const MAX_SCANNED: usize = 16 * 1024;

fn syntax_error(text: &str, e: &ParserError) -> SyntaxError {
    let message = e.to_string();
    let code = jsonata_core::evaluator::error_code_prefix(&message).map(str::to_string);
    SyntaxError { code, message, offset: error_offset(text) }
}

/// `jsonata-core` reports no position, so find it: the offending token is
/// the last one of the shortest prefix of `text` that fails for another
/// reason than ending too early. A prefix that cuts a token in two (`$x :`
/// of `$x := 1`, `$a an` of `$a and $b`) does not count when the whole token
/// mends it. (Quadratic, but only on error, and only for texts up to
/// `MAX_SCANNED` bytes; longer ones report offset 0.)
fn error_offset(text: &str) -> usize {
    if text.len() > MAX_SCANNED {
        return 0;
    }
    let fails = |prefix: &str| matches!(parser::parse(prefix), Err(e) if !ends_early(&e));
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if !fails(&text[..end]) {
            continue;
        }
        let whole = token_end(text, end);
        if whole > end && !fails(&text[..whole]) {
            continue;
        }
        return token_start(text, end);
    }
    text.len()
}

/// Where the word (name, keyword, number) or run of operator characters that
/// holds the character before `end` ends: the rest of a token cut at `end`.
fn token_end(text: &str, end: usize) -> usize {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let operator = |c: char| ":=~>.!<?*".contains(c);
    let Some(last) = text[..end].chars().next_back() else { return end };
    let same: &dyn Fn(char) -> bool = if word(last) {
        &word
    } else if operator(last) {
        &operator
    } else {
        return end;
    };
    end + text[end..].chars().take_while(|&c| same(c)).map(char::len_utf8).sum::<usize>()
}

/// Whether a parse error says only that the text stopped too soon.
fn ends_early(e: &ParserError) -> bool {
    match e {
        ParserError::UnexpectedEnd | ParserError::UnclosedString | ParserError::UnclosedComment | ParserError::UnclosedBacktick => true,
        ParserError::Expected { found, .. } => found == "Eof",
        ParserError::UnexpectedToken(t) => t == "Eof",
        other => {
            let m = other.to_string();
            m.contains("end of expression") || m.contains("nterminated") || m.contains("S0302")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offset(text: &str) -> usize {
        compile(text).err().expect("a syntax error").offset
    }

    #[test]
    fn unsupported_operators_are_refused_where_they_are() {
        let e = compile("$x ?? 1").err().unwrap();
        assert_eq!((e.code.as_deref(), e.offset), (Some("S0201"), 3));
        assert!(e.message.contains("coalescing operator is not supported"), "{}", e.message);
        assert_eq!(offset("'??' & ($a ?: 2)"), 11);
        assert_eq!(offset("/a??/ ? 1 : ($b ?? 1)"), 16);
        // `? :` with a space is the conditional operator.
        assert!(compile("$a ? 1 : 2").is_ok());
    }

    #[test]
    fn parse_errors_point_at_the_offending_character() {
        assert_eq!(offset("1 + )"), 4);
        assert_eq!(offset("[1, 2"), 5);
        assert_eq!(offset("\"abc"), 4);
        assert_eq!(offset("a b"), 2);
        assert_eq!(offset("$x.foo bar"), 7);
        assert_eq!(offset("{'a': 1 'b'}"), 8);
        // Not inside a token that only looks wrong when cut short.
        assert_eq!(offset("(\n  $x := 1;\n  $x + )"), 20);
        assert_eq!(offset("$a and $b )"), 10);
        assert_eq!(offset("$a ~> $f )"), 9);
    }

    #[test]
    fn randomness_is_detected() {
        assert!(compile("$random()").unwrap().draws_randomness);
        assert!(compile("$map([1,2], $uuid)").unwrap().draws_randomness);
        assert!(!compile("$sum([1,2]) & 'random'").unwrap().draws_randomness);
    }
}
