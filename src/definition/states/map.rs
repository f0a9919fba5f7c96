//! The parts of a Map state outside its processor: `Label` (named in Map Run ARNs), and
//! a distributed Map's `ItemReader`, `ItemBatcher` and `ResultWriter` with their S3
//! resources, read in the state's query language (`Parameters` and `.$` templates, or
//! JSONata `Arguments` and `{% %}` numbers), and the fields an INLINE Map may not have.

use super::MAX_INTEGER;
use crate::definition::parse::{item, Builder, Obj, SCHEMA};
use crate::definition::*;
use crate::value::Value;

impl<'a, 'v> Builder<'a, 'v> {
    /// Fields an INLINE Map may not have. (AWS records ToleratedFailure* on INLINE Maps as
    /// accepted, so they are not among them.)
    pub(super) fn distributed_only(&mut self, o: &Obj) {
        for field in ["ItemReader", "ItemBatcher", "ResultWriter"] {
            if o.has(field) {
                self.ctx.error_value(SCHEMA, &o.at(field), format!("The field '{}' is only supported when 'Mode' is 'DISTRIBUTED'", field));
            }
        }
    }

    /// A Map's `Label` (named in Map Run ARNs): at most 40 characters, none of AWS's reserved ones, unique.
    pub(super) fn label(&mut self, o: &Obj) -> Option<String> {
        let label = self.ctx.string(o, "Label")?;
        let ptr = o.at("Label");
        let chars = label.chars().count();
        let bad = label.chars().find(|&c| c.is_whitespace() || c.is_control() || "?*<>{}[]\"#%\\^~$&,;:/|`".contains(c));
        if chars == 0 || chars > 40 {
            self.ctx.error_value("INVALID_LABEL_NAME", &ptr, format!("The label '{}' must be 1 to 40 characters long", label));
        } else if let Some(c) = bad {
            self.ctx.error_value("INVALID_LABEL_NAME", &ptr, format!("The label '{}' must not contain {:?}", label, c));
        }
        if let Some(first) = self.labels.get(label) {
            let message = format!("Duplicate label '{}': Map labels must be unique in the state machine (first used at {})", label, first);
            self.ctx.error_value("DUPLICATE_LABEL_NAME", &ptr, message);
        } else {
            self.labels.insert(label.to_string(), ptr);
        }
        Some(label.to_string())
    }

    /// `jsonata`: the Map is in JSONata mode (`Arguments`, `{% %}` numbers).
    pub(super) fn item_reader(&mut self, o: &Obj, jsonata: bool) -> Option<ItemReader> {
        let r = self.ctx.object(o, "ItemReader")?;
        if jsonata {
            self.ctx.unknown_fields(&r, &["Resource", "Arguments", "ReaderConfig"], &[]);
        } else {
            self.ctx.unknown_fields(&r, &["Resource", "Parameters", "ReaderConfig"], &["Arguments"]);
        }
        self.ctx.required(&r, &["Resource"]);
        let resource = self.s3_resource(&r, &["getObject", "listObjectsV2"]);
        let parameters = if jsonata { self.jsonata_arguments(&r) } else { self.ctx.template(&r, "Parameters") };
        let mut reader_config = ReaderConfig::default();
        if let Some(c) = self.ctx.object(&r, "ReaderConfig") {
            self.ctx.unknown_fields(
                &c,
                &[
                    "InputType",
                    "Transformation",
                    "ManifestType",
                    "CSVDelimiter",
                    "CSVHeaderLocation",
                    "CSVHeaders",
                    "MaxItems",
                    "MaxItemsPath",
                    "ItemsPointer",
                ],
                &[],
            );
            let text = |s: Option<&str>| s.map(String::from);
            reader_config.input_type = text(self.ctx.one_of(&c, "InputType", &["CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"]));
            reader_config.transformation = text(self.ctx.one_of(&c, "Transformation", &["NONE", "LOAD_AND_FLATTEN"]));
            reader_config.manifest_type = text(self.ctx.one_of(&c, "ManifestType", &["ATHENA_DATA", "S3_INVENTORY"]));
            reader_config.csv_delimiter = text(self.ctx.one_of(&c, "CSVDelimiter", &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]));
            reader_config.csv_header_location = text(self.ctx.one_of(&c, "CSVHeaderLocation", &["FIRST_ROW", "GIVEN"]));
            reader_config.items_pointer = text(self.ctx.string(&c, "ItemsPointer"));
            if let Some(headers) = self.ctx.array(&c, "CSVHeaders") {
                for (i, h) in headers.iter().enumerate() {
                    match h.as_str() {
                        Some(s) => reader_config.csv_headers.push(s.to_string()),
                        None => {
                            self.ctx.error_value(SCHEMA, &item(&c.at("CSVHeaders"), i), "Expected value of type [STRING] for a CSV header".into())
                        }
                    }
                }
            }
            reader_config.max_items =
                if jsonata { self.jsonata_number(&c, "MaxItems", 1, 100_000_000) } else { self.number_source(&c, "MaxItems", 1, 100_000_000) };
        }
        Some(ItemReader { resource: resource?, parameters, reader_config })
    }

    pub(super) fn item_batcher(&mut self, o: &Obj, jsonata: bool) -> Option<ItemBatcher> {
        let b = self.ctx.object(o, "ItemBatcher")?;
        let fields = ["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"];
        self.ctx.unknown_fields(
            &b,
            &["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput"],
            &[],
        );
        if !fields.iter().any(|f| b.has(f)) {
            self.ctx.error_head(SCHEMA, &b.ptr, format!("One of these fields is required: [{}]", fields.join(", ")));
        }
        if jsonata {
            let max_items_per_batch = self.jsonata_number(&b, "MaxItemsPerBatch", 1, MAX_INTEGER);
            let max_input_bytes_per_batch = self.jsonata_number(&b, "MaxInputBytesPerBatch", 1, 262_144);
            let batch_input = self.jsonata_field(&b, "BatchInput");
            return Some(ItemBatcher { max_items_per_batch, max_input_bytes_per_batch, batch_input });
        }
        let max_items_per_batch = self.number_source(&b, "MaxItemsPerBatch", 1, MAX_INTEGER);
        let max_input_bytes_per_batch = self.number_source(&b, "MaxInputBytesPerBatch", 1, 262_144);
        let batch_input = self.ctx.template(&b, "BatchInput");
        Some(ItemBatcher { max_items_per_batch, max_input_bytes_per_batch, batch_input })
    }

    pub(super) fn result_writer(&mut self, o: &Obj, jsonata: bool) -> Option<ResultWriter> {
        let w = self.ctx.object(o, "ResultWriter")?;
        let arguments = if jsonata { "Arguments" } else { "Parameters" };
        if jsonata {
            self.ctx.unknown_fields(&w, &["Resource", "Arguments", "WriterConfig"], &[]);
        } else {
            self.ctx.unknown_fields(&w, &["Resource", "Parameters", "WriterConfig"], &["Arguments"]);
        }
        if !w.has("Resource") && !w.has("WriterConfig") {
            self.ctx.error_head(SCHEMA, &w.ptr, "One of these fields is required: [Resource, WriterConfig]".into());
        }
        let resource = if w.has("Resource") {
            self.ctx.required(&w, &[arguments]);
            self.s3_resource(&w, &["putObject"])
        } else {
            None
        };
        if let Some(p) = w.get("Parameters").and_then(Value::as_object) {
            let p = Obj { map: p, ptr: w.at("Parameters") };
            self.ctx.string(&p, "Bucket");
            self.ctx.string(&p, "Prefix");
        }
        let parameters = if jsonata { self.jsonata_arguments(&w) } else { self.ctx.template(&w, "Parameters") };
        let writer_config = self.ctx.object(&w, "WriterConfig").and_then(|c| {
            self.ctx.unknown_fields(&c, &["OutputType", "Transformation"], &[]);
            self.ctx.required(&c, &["OutputType", "Transformation"]);
            let output_type = self.ctx.one_of(&c, "OutputType", &["JSON", "JSONL"]);
            let transformation = self.ctx.one_of(&c, "Transformation", &["NONE", "COMPACT", "FLATTEN"]);
            Some(WriterConfig { output_type: output_type?.to_string(), transformation: transformation?.to_string() })
        });
        Some(ResultWriter { resource, parameters, writer_config })
    }

    /// An `arn:…:states:::s3:ACTION` resource of an ItemReader or ResultWriter.
    fn s3_resource(&mut self, o: &Obj, actions: &[&str]) -> Option<Resource> {
        let arn = self.ctx.string(o, "Resource")?;
        match Resource::parse(arn) {
            Ok(r @ Resource::Integration { .. }) if matches!(&r, Resource::Integration { resource_type, resource, .. } if resource_type == "s3" && actions.contains(&resource.as_str())) => {
                Some(r)
            }
            _ => {
                let expected: Vec<String> = actions.iter().map(|a| format!("arn:aws:states:::s3:{}", a)).collect();
                self.ctx.error_value(
                    SCHEMA,
                    &o.at("Resource"),
                    format!("Value should be one of the following: [{}] for the field 'Resource'", expected.join(", ")),
                );
                None
            }
        }
    }
}
