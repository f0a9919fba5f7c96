//! SAM and CloudFormation templates (CDK synth output included): finding the state machine
//! (`AWS::Serverless::StateMachine`, `AWS::StepFunctions::StateMachine`; `--resource` when there
//! are several), taking its definition from `Definition`, `DefinitionString` (with `Fn::Join`,
//! `Fn::Sub`, `Ref`, `Fn::GetAtt` resolved offline: a Parameter's `Default`, DESIGN.md's
//! pseudo-parameters, plausible ARNs of the right service and name) or `DefinitionUri` (a file the
//! caller reads), its `DefinitionSubstitutions` and its `Type`/`StateMachineType`.

use super::substitute::{arn_for, pseudo_parameter, ACCOUNT, REGION};
use crate::value::Value;
use indexmap::IndexMap;

const MACHINE_TYPES: [&str; 2] = ["AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"];

/// Is this document a template rather than ASL?
pub fn is_template(v: &Value) -> bool {
    v.get("States").is_none() && (v.get("Resources").is_some_and(|r| r.as_object().is_some()) || v.get("AWSTemplateFormatVersion").is_some())
}

/// Where the chosen machine's definition is.
#[derive(Clone, Debug, PartialEq)]
pub enum DefinitionSource {
    /// `Definition`: the ASL as part of the template, at this pointer.
    Inline { pointer: String, definition: Value },
    /// `DefinitionString`, resolved to its text; diagnostics point at the field.
    Text { text: String, pointer: String },
    /// SAM's `DefinitionUri` naming a local file, relative to the template.
    File { path: String },
}

/// The state machine chosen in a template.
#[derive(Clone, Debug, PartialEq)]
pub struct Machine {
    pub logical_id: String,
    pub source: DefinitionSource,
    /// `DefinitionSubstitutions`, each value resolved to text.
    pub substitutions: IndexMap<String, String>,
    /// `Type` (SAM) or `StateMachineType` (CloudFormation), when given.
    pub machine_type: Option<String>,
}

/// Pick the state machine (`resource` names it when there are several) and read its parts.
pub fn machine(template: &Value, resource: Option<&str>) -> Result<Machine, String> {
    let resources = template.get("Resources").and_then(Value::as_object).ok_or("the template has no Resources")?;
    let machines: Vec<&str> = resources
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(Value::as_str).is_some_and(|t| MACHINE_TYPES.contains(&t)))
        .map(|(k, _)| &**k)
        .collect();
    let id = match (resource, machines.as_slice()) {
        (Some(id), _) if machines.contains(&id) => id,
        (Some(id), []) => return Err(format!("the template has no state machine (no {} resource), so not '{}'", MACHINE_TYPES.join(" or "), id)),
        (Some(id), _) => return Err(format!("the template has no state machine '{}'; its state machines: {}", id, machines.join(", "))),
        (None, []) => return Err(format!("the template has no state machine (no {} resource)", MACHINE_TYPES.join(" or "))),
        (None, [one]) => one,
        (None, _) => return Err(format!("the template has several state machines; pick one with --resource LOGICAL_ID: {}", machines.join(", "))),
    };
    let r = resources.get(id).expect("a listed machine");
    let empty = Value::empty_object();
    let props = r.get("Properties").unwrap_or(&empty);
    let at = |field: &str| {
        let mut p = String::from("/Resources/");
        crate::json::escape_pointer_token(id, &mut p);
        p.push_str("/Properties/");
        p.push_str(field);
        p
    };
    let resolver = Resolver { template };
    let source = if let Some(d) = props.get("Definition") {
        DefinitionSource::Inline { pointer: at("Definition"), definition: d.clone() }
    } else if let Some(d) = props.get("DefinitionString") {
        DefinitionSource::Text { text: resolver.text(d)?, pointer: at("DefinitionString") }
    } else if let Some(uri) = props.get("DefinitionUri") {
        match uri.as_str() {
            Some(p) if !p.starts_with("s3://") => DefinitionSource::File { path: p.to_string() },
            _ => return Err(format!("{}: DefinitionUri names an S3 object, which asl-sim cannot read offline; download it and give its file", id)),
        }
    } else if props.get("DefinitionS3Location").is_some() {
        return Err(format!("{}: DefinitionS3Location names an S3 object, which asl-sim cannot read offline; download it and give its file", id));
    } else {
        return Err(format!("{}: the state machine has no Definition, DefinitionString or DefinitionUri", id));
    };
    let mut substitutions = IndexMap::new();
    if let Some(subs) = props.get("DefinitionSubstitutions").and_then(Value::as_object) {
        for (k, v) in subs.iter() {
            substitutions.insert(k.to_string(), resolver.text(v)?);
        }
    }
    let machine_type = props.get("Type").or_else(|| props.get("StateMachineType")).and_then(Value::as_str).map(str::to_string);
    Ok(Machine { logical_id: id.to_string(), source, substitutions, machine_type })
}

struct Resolver<'a> {
    template: &'a Value,
}

impl Resolver<'_> {
    /// An intrinsic (or a literal) as the text CloudFormation would produce.
    fn text(&self, v: &Value) -> Result<String, String> {
        if let Some(s) = v.as_str() {
            return Ok(s.to_string());
        }
        if matches!(v, Value::Number(_) | Value::Bool(_)) {
            return Ok(v.to_json());
        }
        let Some(o) = v.as_object().filter(|o| o.len() == 1) else {
            return Err(format!("cannot resolve {} offline: expected a string or one intrinsic function", v.to_json()));
        };
        let (name, arg) = o.iter().next().expect("one member");
        match &**name {
            "Ref" => Ok(self.reference(arg.as_str().ok_or("Ref takes a name")?)),
            "Fn::GetAtt" => {
                let (r, a) = match (arg.as_str(), arg.as_array()) {
                    (Some(s), _) => s.split_once('.').map(|(r, a)| (r.to_string(), a.to_string())).ok_or("Fn::GetAtt takes Resource.Attribute")?,
                    (_, Some([r, a])) => (self.text(r)?, self.text(a)?),
                    _ => return Err("Fn::GetAtt takes [Resource, Attribute]".into()),
                };
                Ok(self.attribute(&r, &a))
            }
            "Fn::Join" => {
                let Some([sep, parts]) = arg.as_array() else { return Err("Fn::Join takes [delimiter, [values]]".into()) };
                let sep = self.text(sep)?;
                Ok(self.list(parts)?.join(&sep))
            }
            "Fn::Sub" => {
                let (body, vars) = match (arg.as_str(), arg.as_array()) {
                    (Some(s), _) => (s.to_string(), None),
                    (_, Some([s, vars])) => (self.text(s)?, vars.as_object()),
                    _ => return Err("Fn::Sub takes a string or [string, {variables}]".into()),
                };
                let mut values = IndexMap::new();
                for (k, v) in vars.into_iter().flat_map(|m| m.iter()) {
                    values.insert(k.to_string(), self.text(v)?);
                }
                Ok(self.sub(&body, &values))
            }
            "Fn::Select" => {
                let Some([i, list]) = arg.as_array() else { return Err("Fn::Select takes [index, [values]]".into()) };
                let i: usize = self.text(i)?.parse().map_err(|_| "Fn::Select takes a number")?;
                let items = self.list(list)?;
                items.get(i).cloned().ok_or_else(|| "Fn::Select: index out of range".into())
            }
            "Fn::ImportValue" => Ok(self.text(arg)?),
            other => Err(format!("the intrinsic function {} cannot be resolved offline", other)),
        }
    }

    fn list(&self, v: &Value) -> Result<Vec<String>, String> {
        if let Some(a) = v.as_array() {
            return a.iter().map(|p| self.text(p)).collect();
        }
        match v.get("Fn::Split").and_then(Value::as_array) {
            Some([sep, s]) => Ok(self.text(s)?.split(self.text(sep)?.as_str()).map(str::to_string).collect()),
            _ => Err("expected a list".into()),
        }
    }

    /// `Fn::Sub`'s body: `${Name}` from its variables, parameters, pseudo-parameters and
    /// resources, `${Resource.Attribute}` as `Fn::GetAtt`, `${!Literal}` → `${Literal}`; any
    /// other `${…}` left for DefinitionSubstitutions.
    fn sub(&self, body: &str, vars: &IndexMap<String, String>) -> String {
        let mut out = String::new();
        let mut rest = body;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let Some(end) = rest[i..].find('}') else {
                rest = &rest[i..];
                break;
            };
            let name = &rest[i + 2..i + end];
            if let Some(lit) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
            } else if let Some(v) = vars.get(name) {
                out.push_str(v);
            } else if let Some((r, a)) = name.split_once('.').filter(|(r, _)| self.resource(r).is_some()) {
                out.push_str(&self.attribute(r, a));
            } else if pseudo_parameter(name).is_some() || self.parameter(name).is_some() || self.resource(name).is_some() {
                out.push_str(&self.reference(name));
            } else {
                out.push_str(&rest[i..i + end + 1]);
            }
            rest = &rest[i + end + 1..];
        }
        out.push_str(rest);
        out
    }

    fn parameter(&self, name: &str) -> Option<&Value> {
        self.template.get("Parameters").and_then(|p| p.get(name))
    }
    fn resource(&self, name: &str) -> Option<&Value> {
        self.template.get("Resources").and_then(|p| p.get(name))
    }

    /// What `Ref` gives: a Parameter's `Default`, a pseudo-parameter, or a resource's name or ARN
    /// (as each type's `Ref` returns it).
    fn reference(&self, name: &str) -> String {
        if let Some(v) = pseudo_parameter(name) {
            return v.to_string();
        }
        if let Some(p) = self.parameter(name) {
            return p.get("Default").map(|d| d.as_str().map(str::to_string).unwrap_or_else(|| d.to_json())).unwrap_or_else(|| name.to_string());
        }
        let kind = self.kind(name);
        let physical = self.physical_name(name);
        if kind.contains("SNS::Topic") || kind.contains("StateMachine") || kind.contains("Activity") || kind.contains("Serverless::Api") {
            arn_for(&physical, &kind)
        } else if kind.contains("SQS::Queue") {
            format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{physical}")
        } else {
            physical
        }
    }

    /// `Fn::GetAtt`: `Arn` a plausible ARN of the resource's service; `QueueUrl`/`QueueName`/`Name`
    /// as those attributes read; anything else `Resource.Attribute`.
    fn attribute(&self, resource: &str, attribute: &str) -> String {
        let kind = self.kind(resource);
        let physical = self.physical_name(resource);
        match attribute {
            "Arn" => arn_for(&physical, &kind),
            "QueueUrl" => format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{physical}"),
            "QueueName" | "Name" | "TopicName" | "StateMachineName" => physical,
            _ => format!("{}.{}", resource, attribute),
        }
    }

    fn kind(&self, resource: &str) -> String {
        self.resource(resource).and_then(|r| r.get("Type")).and_then(Value::as_str).unwrap_or("").to_string()
    }

    /// The resource's name property when the template gives it literally, else its logical id.
    fn physical_name(&self, resource: &str) -> String {
        let props = self.resource(resource).and_then(|r| r.get("Properties"));
        ["FunctionName", "TopicName", "QueueName", "TableName", "StateMachineName", "BucketName", "Name", "RoleName"]
            .iter()
            .find_map(|k| props.and_then(|p| p.get(k)).and_then(Value::as_str))
            .unwrap_or(resource)
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    #[test]
    fn cdk_join_and_getatt_resolve_offline() {
        let t = parse(
            r#"{"Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{"FunctionName":"work"}},
            "M":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"StateMachineType":"EXPRESS","DefinitionString":{"Fn::Join":["",["{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"",{"Fn::GetAtt":["Fn","Arn"]},"\",\"End\":true}}}"]]}}}}}"#,
        )
        .unwrap();
        let m = machine(&t, None).unwrap();
        assert_eq!(m.machine_type.as_deref(), Some("EXPRESS"));
        let DefinitionSource::Text { text, .. } = m.source else { panic!() };
        assert!(text.contains(r#""Resource":"arn:aws:lambda:us-east-1:123456789012:function:work""#), "{text}");
    }

    #[test]
    fn several_machines_need_a_resource_and_none_is_an_error() {
        let t = parse(r#"{"Resources":{"A":{"Type":"AWS::Serverless::StateMachine"},"B":{"Type":"AWS::Serverless::StateMachine"}}}"#).unwrap();
        assert_eq!(machine(&t, None).unwrap_err(), "the template has several state machines; pick one with --resource LOGICAL_ID: A, B");
        let t = parse(r#"{"Resources":{"T":{"Type":"AWS::SNS::Topic"}}}"#).unwrap();
        assert!(machine(&t, None).unwrap_err().contains("has no state machine"));
    }

    #[test]
    fn substitutions_and_sub_use_parameters_and_pseudo_parameters() {
        let t = parse(
            r#"{"Parameters":{"Env":{"Type":"String","Default":"dev"}},"Resources":{"Q":{"Type":"AWS::SQS::Queue"},
            "M":{"Type":"AWS::Serverless::StateMachine","Properties":{"DefinitionUri":"sm.asl.yaml","DefinitionSubstitutions":{
            "Url":{"Ref":"Q"},"Name":{"Fn::Sub":"jobs-${Env}-${AWS::Region}-${!Keep}"}}}}}}"#,
        )
        .unwrap();
        let m = machine(&t, None).unwrap();
        assert_eq!(m.source, DefinitionSource::File { path: "sm.asl.yaml".into() });
        assert_eq!(m.substitutions["Url"], "https://sqs.us-east-1.amazonaws.com/123456789012/Q");
        assert_eq!(m.substitutions["Name"], "jobs-dev-us-east-1-${Keep}");
    }
}
