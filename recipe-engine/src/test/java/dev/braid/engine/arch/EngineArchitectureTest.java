package dev.braid.engine.arch;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The engine decides what happens; the app decides when, where and how it is stored (ARCHITECTURE §1).
 * So the engine knows no web framework, no servlet and no JDBC.
 */
@AnalyzeClasses(packages = "dev.braid.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class EngineArchitectureTest {

    @ArchTest
    static final ArchRule engineKnowsNoSpringServletOrJdbc = noClasses()
            .that().resideInAPackage("dev.braid.engine..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.springframework..", "jakarta.servlet..", "javax.servlet..", "java.sql..")
            .because("recipe-engine is the Spring-free core: the app wires it, persists for it and serves HTTP for it");
}
