package io.runstream.training.predictor;

import io.runstream.model.Preprocessing;
import io.runstream.model.ProblemType;
import io.runstream.platform.web.Problems;
import io.runstream.training.engine.Evaluation;
import io.runstream.training.engine.TrainingEngine;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a model an external engine posts with its result ({@code result.model}: the base64 of an
 * XGBoost model in JSON or UBJSON, {@code result.preprocess}: the preprocess artifact it was
 * trained with) before anything is stored: the artifact must be of a known format and of the
 * predictor's problem type, the model must load in XGBoost4J and expect exactly the columns the
 * artifact encodes (and the artifact's number of classes). Blocking (loads the booster): call it
 * off the event loop.
 */
final class ExternalModels {

    private ExternalModels() {
    }

    static TrainingEngine.Result read(JsonNode result, String problemType, long splitSeed, ObjectMapper json) {
        List<Problems.FieldError> errors = new ArrayList<>();
        byte[] bytes = null;
        JsonNode model = result.path("model");
        if (!model.isString() || model.asString().isBlank()) {
            errors.add(new Problems.FieldError("result.model", "is required with result.preprocess: the base64 of an "
                    + "XGBoost model (JSON or UBJSON format)"));
        } else {
            try {
                bytes = Base64.getMimeDecoder().decode(model.asString());
            } catch (IllegalArgumentException e) {
                errors.add(new Problems.FieldError("result.model", "is not base64: " + e.getMessage()));
            }
        }
        Preprocessing preprocessing = null;
        JsonNode artifact = result.path("preprocess");
        if (!artifact.isObject()) {
            errors.add(new Problems.FieldError("result.preprocess", "is required with result.model: the preprocess "
                    + "artifact (format_version " + Preprocessing.FORMAT_VERSION + ") the model was trained with"));
        } else {
            try {
                preprocessing = json.treeToValue(artifact, Preprocessing.class);
                String problem = checkArtifact(preprocessing, problemType);
                if (problem != null) {
                    errors.add(new Problems.FieldError("result.preprocess", problem));
                    preprocessing = null;
                }
            } catch (RuntimeException e) {
                errors.add(new Problems.FieldError("result.preprocess", "is not a preprocess artifact: " + e.getMessage()));
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        JsonNode given = result.path("metrics");
        if (!given.isMissingNode() && !given.isNull() && !given.isObject()) {
            errors.add(new Problems.FieldError("result.metrics", "must be an object of metric name to number"));
        }
        given.properties().forEach(entry -> {
            if (entry.getValue().isNumber()) {
                metrics.put(entry.getKey(), entry.getValue().asDouble());
            } else {
                errors.add(new Problems.FieldError("result.metrics." + entry.getKey(), "must be a number"));
            }
        });
        if (!errors.isEmpty() || bytes == null || preprocessing == null) {
            throw Problems.invalidFields("The external result's model cannot be used", errors);
        }
        return load(bytes, preprocessing, metrics, splitSeed, json);
    }

    private static String checkArtifact(Preprocessing preprocessing, String problemType) {
        if (preprocessing.formatVersion() != Preprocessing.FORMAT_VERSION) {
            return "format_version " + preprocessing.formatVersion() + " is not supported (only "
                    + Preprocessing.FORMAT_VERSION + ")";
        }
        ProblemType expected = ProblemType.parse(problemType).orElseThrow();
        if (ProblemType.parse(preprocessing.problemType()).orElse(null) != expected) {
            return "problem_type must be " + expected.label() + ", the predictor's";
        }
        if (preprocessing.features() == null || preprocessing.target() == null) {
            return "needs target and features";
        }
        if (expected == ProblemType.CLASSIFICATION && (preprocessing.classes() == null || preprocessing.classes().size() < 2)) {
            return "a Classification artifact needs at least two classes";
        }
        if (expected == ProblemType.FORECAST && preprocessing.forecast() == null) {
            return "a Forecast artifact needs forecast";
        }
        return null;
    }

    private static TrainingEngine.Result load(byte[] bytes, Preprocessing preprocessing, Map<String, Double> metrics,
                                              long splitSeed, ObjectMapper json) {
        Booster booster;
        try {
            booster = TrainingEngine.load(bytes);
        } catch (XGBoostError | RuntimeException e) {
            throw invalidModel("is not a model XGBoost can load: " + e.getMessage());
        }
        try {
            long features = booster.getNumFeature();
            if (features != preprocessing.width()) {
                throw invalidModel("expects " + features + " feature columns, and result.preprocess encodes "
                        + preprocessing.width());
            }
            byte[] model = booster.toByteArray("json");
            JsonNode learner = json.readTree(model).path("learner");
            int classes = learner.path("learner_model_param").path("num_class").asInt(0);
            int expected = preprocessing.classes() != null && preprocessing.classes().size() > 2 ? preprocessing.classes().size() : 0;
            if (Math.max(classes, 1) != Math.max(expected, 1)) {
                throw invalidModel("has num_class " + classes + ", and result.preprocess has "
                        + (preprocessing.classes() == null ? "no" : preprocessing.classes().size()) + " classes");
            }
            String name = learner.path("gradient_booster").path("name").asString("gbtree");
            return new TrainingEngine.Result(preprocessing, model, name, new Evaluation(metrics, null), 0, 0, splitSeed,
                    booster.getNumBoostedRound(), new float[0], 0);
        } catch (XGBoostError e) {
            throw invalidModel("could not be read: " + e.getMessage());
        } finally {
            booster.dispose();
        }
    }

    private static RuntimeException invalidModel(String message) {
        return Problems.invalidFields("The external result's model cannot be used",
                List.of(new Problems.FieldError("result.model", message)));
    }
}
