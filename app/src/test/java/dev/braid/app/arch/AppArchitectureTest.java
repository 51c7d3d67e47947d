package dev.braid.app.arch;

import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The app's packages form layers: the web layer ({@code api}) sits on top and nothing below calls up
 * into it, and the packages directly under {@code dev.braid.app} depend on each other without cycles,
 * so each can be read, tested and moved on its own (ARCHITECTURE §1).
 */
@AnalyzeClasses(packages = "dev.braid.app", importOptions = ImportOption.DoNotIncludeTests.class)
class AppArchitectureTest {

    @ArchTest
    static final ArchRule packagesHaveNoCycles = slices()
            .matching("dev.braid.app.(*)..")
            .should().beFreeOfCycles()
            .because("a cycle between packages makes them one package in disguise: none can change without the others");

    @ArchTest
    static final ArchRule triggerKindsHaveNoCycles = slices()
            .matching("dev.braid.app.triggers.(*)..")
            .should().beFreeOfCycles()
            .because("each trigger kind (webhook, manual, kafka, cdc, schedule, poll) stands on its own");

    @ArchTest
    static final ArchRule domainDoesNotKnowTheWebLayer = noClasses()
            .that().resideOutsideOfPackage("dev.braid.app.api..")
            .should().dependOnClassesThat().resideInAPackage("dev.braid.app.api..")
            .because("the web layer calls the domain, never the other way round: a refusal is a domain "
                    + "exception (dev.braid.app.refusal) that the api's ProblemAdvice turns into an RFC 9457 problem");

    @ArchTest
    static final ArchRule theAppReadsNoTopicItself = noClasses()
            .that().resideInAPackage("dev.braid.app..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.apache.kafka.clients.consumer..", "org.apache.kafka.clients.producer..")
            .because("Kafka's consuming side is the kafka connector's TriggerSource and its producing side "
                    + "the connector's actions; the app only runs them (triggers/kafka is glue)");

    @ArchTest
    static final ArchRule controllersLiveInTheWebLayer = classes()
            .that().areAnnotatedWith(RestController.class).or().areAnnotatedWith(RestControllerAdvice.class)
            .should().resideInAPackage("dev.braid.app.api..")
            .because("one place answers HTTP requests of the API; the domain behind it does not know the URL");
}
