package dev.vireo.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The AOT training run must keep working as the CLI changes, or the start-up cache silently shrinks. */
class StartupTrainingTest {
    @Test
    void everyTrainingStepSucceeds() throws Exception {
        assertThat(StartupTraining.run()).isZero();
    }
}
