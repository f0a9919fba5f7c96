//! A Task's `Resource` ARN → [`Resource`]: which history event family it records and the
//! `resourceType`/`resource` pair AWS writes in `TaskScheduled`.
//!
//! The partition, region and account are opaque text, so the masked ARNs of recorded
//! cases (`arn:<partition>:lambda:<region>:111111111111:function:<name>`) parse like real ones.

use super::{IntegrationPattern, Resource};

impl Resource {
    /// Understand a Task `Resource`; the error says what is wrong, for an `INVALID_RESOURCE` diagnostic.
    ///
    /// * `arn:P:lambda:R:A:function:NAME[:QUALIFIER]` → [`Resource::LambdaFunction`]
    /// * `arn:P:states:R:A:activity:NAME` → [`Resource::Activity`]
    /// * `arn:P:states:::SERVICE:ACTION[.sync|.sync:2|.waitForTaskToken]` → [`Resource::Integration`]
    ///   with `resource_type` `SERVICE` (`aws-sdk:SERVICE` for SDK integrations) and `resource` the rest.
    pub fn parse(arn: &str) -> Result<Resource, String> {
        let parts: Vec<&str> = arn.split(':').collect();
        if parts.len() < 6 || parts[0] != "arn" {
            return Err(format!("'{}' is not an ARN (arn:partition:service:region:account:resource)", arn));
        }
        let (partition, service, region, account) = (parts[1], parts[2], parts[3], parts[4]);
        if partition.is_empty() {
            return Err(format!("the ARN '{}' has no partition", arn));
        }
        match service {
            "lambda" => {
                if region.is_empty() || account.is_empty() {
                    return Err(format!("the Lambda function ARN '{}' needs a region and an account", arn));
                }
                match &parts[5..] {
                    ["function", name] | ["function", name, _] if !name.is_empty() && parts.last() != Some(&"") => {
                        Ok(Resource::LambdaFunction { arn: arn.to_string() })
                    }
                    _ => Err(format!("'{}' is not a Lambda function ARN (arn:partition:lambda:region:account:function:name)", arn)),
                }
            }
            "states" if region.is_empty() && account.is_empty() => integration(arn, &parts[5..]),
            "states" => match &parts[5..] {
                ["activity", name] if !name.is_empty() => Ok(Resource::Activity { arn: arn.to_string() }),
                // `arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject`, as the console once
                // exported them (two aws-samples projects): read as the integration it names;
                // `qualified_integration` lets the parser warn, since AWS's rule is unconfirmed.
                [first, ..] if QUALIFIABLE.contains(first) && integration(arn, &parts[5..]).is_ok() => integration(arn, &parts[5..]),
                _ => Err(format!("'{}' is neither an activity ARN (arn:partition:states:region:account:activity:name) nor a service integration (arn:partition:states:::service:action)", arn)),
            },
            _ => Err(format!("'{}' names neither a Lambda function, an activity nor a service integration", arn)),
        }
    }
}

/// Services whose integration ARN is read even with a region and an account in it.
const QUALIFIABLE: [&str; 20] = [
    "aws-sdk",
    "lambda",
    "sqs",
    "sns",
    "dynamodb",
    "states",
    "events",
    "glue",
    "batch",
    "ecs",
    "eks",
    "sagemaker",
    "athena",
    "codebuild",
    "apigateway",
    "bedrock",
    "elasticmapreduce",
    "emr-containers",
    "emr-serverless",
    "http",
];

impl Resource {
    /// For an integration ARN that names a region and an account, the warning to give.
    pub fn qualified_integration(&self) -> Option<String> {
        let Resource::Integration { arn, .. } = self else { return None };
        let parts: Vec<&str> = arn.split(':').collect();
        (parts.len() > 4 && (!parts[3].is_empty() || !parts[4].is_empty())).then(|| {
            format!("The integration ARN '{}' names a region and an account; AWS documents service integrations as arn:partition:states:::service:action, and may reject it", arn)
        })
    }
}

fn integration(arn: &str, rest: &[&str]) -> Result<Resource, String> {
    // `aws-sdk:s3:listBuckets` → (`aws-sdk:s3`, `listBuckets`); `states:startExecution.sync:2` → (`states`, `startExecution.sync:2`).
    let (resource_type, action) = match rest {
        ["aws-sdk", service, action @ ..] if !service.is_empty() => (format!("aws-sdk:{}", service), action.join(":")),
        [service, action @ ..] if *service != "aws-sdk" && !service.is_empty() => (service.to_string(), action.join(":")),
        _ => return Err(format!("'{}' does not name a service (arn:partition:states:::service:action)", arn)),
    };
    let (name, pattern) = if let Some(n) = action.strip_suffix(".waitForTaskToken") {
        (n, IntegrationPattern::WaitForTaskToken)
    } else if let Some(n) = action.strip_suffix(".sync:2").or_else(|| action.strip_suffix(".sync")) {
        (n, IntegrationPattern::Sync)
    } else {
        (action.as_str(), IntegrationPattern::RequestResponse)
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(format!(
            "'{}' does not name an API action (arn:partition:states:::{}:action[.sync|.sync:2|.waitForTaskToken])",
            arn, resource_type
        ));
    }
    // The optimised DynamoDB integration has four actions; AWS refuses the others (`query`,
    // recorded) and points at the SDK integration.
    if resource_type == "dynamodb" && !matches!(name, "getItem" | "putItem" | "deleteItem" | "updateItem") {
        return Err(format!(
            "The resource provided {} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.",
            arn
        ));
    }
    Ok(Resource::Integration { arn: arn.to_string(), resource_type, resource: action, pattern })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(arn: &str) -> String {
        match Resource::parse(arn) {
            Ok(Resource::Integration { resource_type, resource, pattern, .. }) => format!("{} {} {:?}", resource_type, resource, pattern),
            Ok(Resource::LambdaFunction { .. }) => "lambda-function".into(),
            Ok(Resource::Activity { .. }) => "activity".into(),
            Err(e) => format!("error: {}", e),
        }
    }

    #[test]
    fn integrations_split_as_aws_records_them() {
        assert_eq!(split("arn:aws:states:::lambda:invoke"), "lambda invoke RequestResponse");
        assert_eq!(split("arn:aws:states:::sqs:sendMessage.waitForTaskToken"), "sqs sendMessage.waitForTaskToken WaitForTaskToken");
        assert_eq!(split("arn:<partition>:states:::sqs:sendMessage.waitForTaskToken"), "sqs sendMessage.waitForTaskToken WaitForTaskToken");
        assert_eq!(split("arn:aws:states:::aws-sdk:s3:listBuckets"), "aws-sdk:s3 listBuckets RequestResponse");
        assert_eq!(split("arn:aws:states:::aws-sdk:s3:listBuckets.waitForTaskToken"), "aws-sdk:s3 listBuckets.waitForTaskToken WaitForTaskToken");
        assert_eq!(split("arn:aws:states:::states:startExecution.sync"), "states startExecution.sync Sync");
        assert_eq!(split("arn:aws:states:::states:startExecution.sync:2"), "states startExecution.sync:2 Sync");
        assert_eq!(split("arn:aws-cn:states:::batch:submitJob.sync"), "batch submitJob.sync Sync");
    }

    #[test]
    fn functions_and_activities() {
        assert_eq!(split("arn:aws:lambda:us-east-1:123456789012:function:f"), "lambda-function");
        assert_eq!(split("arn:aws:lambda:us-east-1:123456789012:function:f:prod"), "lambda-function");
        assert_eq!(split("arn:<partition>:lambda:<region>:111111111111:function:<lambda_function_name>"), "lambda-function");
        assert_eq!(split("arn:aws:states:us-east-1:111111111111:activity:placeholder-activity"), "activity");
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "create",
            "arn:aws:states:::lambda",
            "arn:aws:states:::lambda:",
            "arn:aws:states:::aws-sdk:s3",
            "arn:aws:states:::lambda:invoke.later",
            "arn:aws:lambda:us-east-1:1:function:",
            "arn:aws:lambda:::function:f",
            "arn:aws:s3:::bucket",
            "arn:aws:states:us-east-1:1:stateMachine:m",
        ] {
            assert!(split(bad).starts_with("error"), "{}", bad);
        }
    }
}
