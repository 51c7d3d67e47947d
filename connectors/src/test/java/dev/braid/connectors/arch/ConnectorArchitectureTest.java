package dev.braid.connectors.arch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * A connector is written against the SPI only (ARCHITECTURE §5), so a third-party jar can do the same:
 * it sees {@code dev.braid.engine.spi} and the engine's plain value types, never the server that runs
 * it, and no connector reaches into another one (the shared {@code schema} and {@code source} helpers are the exceptions).
 */
@AnalyzeClasses(packages = "dev.braid.connectors", importOptions = ImportOption.DoNotIncludeTests.class)
class ConnectorArchitectureTest {

    @ArchTest
    static final ArchRule connectorsSeeOnlyTheSpi = noClasses()
            .that().resideInAPackage("dev.braid.connectors..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.braid.app..", "dev.braid.engine.run..", "dev.braid.engine.parse..",
                    "dev.braid.engine.schedule..", "org.springframework..", "jakarta.servlet..")
            .because("connectors depend only on the SPI (dev.braid.engine.spi), the engine's value types "
                    + "(dev.braid.engine.model) and their own client libraries");

    @ArchTest
    static final ArchRule connectorsDoNotReachIntoEachOther = slices()
            .matching("dev.braid.connectors.(*)..")
            .should().notDependOnEachOther()
            .ignoreDependency(DescribedPredicate.alwaysTrue(), resideInAPackage("dev.braid.connectors.schema.."))
            .ignoreDependency(DescribedPredicate.alwaysTrue(), resideInAPackage("dev.braid.connectors.source.."))
            // openapi makes its requests with http.request itself (DESIGN §13), holding an HttpConnector like any caller.
            .ignoreDependency(resideInAPackage("dev.braid.connectors.openapi.."),
                    com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo(dev.braid.connectors.http.HttpConnector.class))
            .ignoreDependency(DescribedPredicate.alwaysTrue(), resideInAPackage("dev.braid.connectors.egress.."))
            .ignoreDependency(resideInAPackage("dev.braid.connectors.sftp.."), resideInAPackage("dev.braid.connectors.files.."))
            .because("each connector ships alone; the JSON Schema helper in schema, the message triggers' common "
                    + "part in source (settings schema, payload reading, waiting batches), the egress guard of the connectors "
                    + "that call out over HTTP (http, s3) in egress and the file actions of files (which sftp runs over its "
                    + "own file system) are the shared pieces; openapi is http.request driven by a document, so it owns an "
                    + "HttpConnector");

    @ArchTest
    static final ArchRule connectorPackagesHaveNoCycles = slices()
            .matching("dev.braid.connectors.(*)..")
            .should().beFreeOfCycles();
}
