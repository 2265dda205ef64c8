package io.runstream.dataset.validation;

import io.runstream.dataset.DatasetProperties;
import io.runstream.platform.run.BuiltInJob;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The dataset/validate job definition; platform announces it as {@code job.registered} at start. */
@Configuration(proxyBeanMethods = false)
class ValidationJob {

    @Bean
    BuiltInJob datasetValidateJob(DatasetProperties properties) {
        return new BuiltInJob(ValidationJobs.VALIDATE, "1", "Validates uploaded dataset files against the dataset's "
                + "template (or infers column types) and stores the error report", """
                {"type":"object","required":["dataset_id"],
                 "properties":{"dataset_id":{"type":"integer"},
                               "file_ids":{"type":"array","items":{"type":"integer"},
                                           "description":"files to validate; all pending files of the dataset when absent"}}}""",
                1, properties.runs().leaseSeconds());
    }
}
