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
        // tail calls, and `$step()` returns true or fails.
        AstNode::Lambda { body, .. } => {
            let inner = std::mem::replace(&mut **body, AstNode::Null);
            **body = AstNode::Conditional {
                condition: Box::new(call(STEP, Vec::new())),
                then_branch: Box::new(inner),
                else_branch: None,
            };
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
        ParserError::UnexpectedEnd
        | ParserError::UnclosedString
        | ParserError::UnclosedComment
        | ParserError::UnclosedBacktick => true,
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
