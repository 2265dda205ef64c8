package io.runstream.dataset.statistics;

import io.runstream.dataset.DatasetProperties;
import io.runstream.platform.run.BuiltInJob;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The dataset/statistics job definition; platform announces it as {@code job.registered} at start. */
@Configuration(proxyBeanMethods = false)
class StatisticsJob {

    @Bean
    BuiltInJob datasetStatisticsJob(DatasetProperties properties) {
        return new BuiltInJob(DefaultStatisticsService.JOB, "1",
                "Computes per-column statistics of a dataset's validated rows in one streaming pass", """
                {"type":"object","required":["dataset_id"],"properties":{"dataset_id":{"type":"integer"}}}""",
                1, properties.runs().leaseSeconds());
    }
}
