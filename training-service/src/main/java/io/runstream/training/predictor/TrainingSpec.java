package io.runstream.training.predictor;

import io.runstream.platform.web.Problems;
import io.runstream.training.engine.Algorithm;
import io.runstream.training.engine.ColumnRole;
import io.runstream.training.engine.ColumnSpec;
import io.runstream.model.ProblemType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A training request checked beyond Bean Validation: known problem type, algorithm and column roles. */
record TrainingSpec(ProblemType type, Algorithm algorithm, List<ColumnSpec> columns, boolean incremental, boolean shap) {

    static TrainingSpec of(TrainApi.TrainRequest request) {
        List<Problems.FieldError> errors = new ArrayList<>();
        ProblemType type = ProblemType.parse(request.problemType()).orElse(null);
        if (type == null) {
            errors.add(new Problems.FieldError("problem_type", "must be one of Classification, Regression, Forecast"));
        }
        Algorithm algorithm = Algorithm.parse(request.algorithm()).orElse(null);
        if (algorithm == null) {
            errors.add(new Problems.FieldError("algorithm", "must be one of gbtree (default), gblinear, auto"));
        }
        List<ColumnSpec> columns = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int targets = 0;
        int timestamps = 0;
        for (int i = 0; i < request.columns().size(); i++) {
            TrainApi.ColumnRequest column = request.columns().get(i);
            ColumnRole role = ColumnRole.parse(column.attributeName()).orElse(null);
            if (role == null) {
                errors.add(new Problems.FieldError("columns[" + i + "].attribute_name",
                        "must be one of Id, Target, Feature, Timestamp"));
                continue;
            }
            if (!names.add(column.columnName())) {
                errors.add(new Problems.FieldError("columns[" + i + "].column_name", "is listed twice"));
                continue;
            }
            targets += role == ColumnRole.TARGET ? 1 : 0;
            timestamps += role == ColumnRole.TIMESTAMP ? 1 : 0;
            if (role == ColumnRole.TIMESTAMP && type != ProblemType.FORECAST) {
                // outside forecasting a timestamp is an ordinary date feature
                columns.add(new ColumnSpec(column.columnName(), "Date", ColumnRole.FEATURE));
            } else {
                columns.add(new ColumnSpec(column.columnName(), column.dataType(), role));
            }
        }
        if (targets != 1) {
            errors.add(new Problems.FieldError("columns", "exactly one column must have attribute_name Target"));
        }
        if (type == ProblemType.FORECAST && timestamps != 1) {
            errors.add(new Problems.FieldError("columns", "Forecast needs exactly one column with attribute_name Timestamp"));
        }
        if (!errors.isEmpty()) {
            throw Problems.invalidFields("The training request is invalid", errors);
        }
        return new TrainingSpec(type, algorithm, List.copyOf(columns), Boolean.TRUE.equals(request.isIncremental()),
                Boolean.TRUE.equals(request.shapEnabled()));
    }
}
