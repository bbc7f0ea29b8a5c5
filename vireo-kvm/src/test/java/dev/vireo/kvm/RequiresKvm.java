package dev.vireo.kvm;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Runs the annotated tests only where /dev/kvm can be opened; otherwise skips them saying why. */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresKvm.Condition.class)
public @interface RequiresKvm {
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return new KvmHypervisor().unavailableReason()
                    .map(reason -> ConditionEvaluationResult.disabled("skipped, KVM unavailable: " + reason))
                    .orElse(ConditionEvaluationResult.enabled("/dev/kvm is usable"));
        }
    }
}
