package io.bitsweep.search.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module boundaries of docs/ARCHITECTURE.md, checked on the main classes of all three modules: hw-sim and
 * evaluators are plain libraries (no Spark, Hadoop, Scala, CLI or search code), hw-sim depends on nothing of ours,
 * and no package depends on a package that depends back on it, however long the way round.
 */
@AnalyzeClasses(packages = "io.bitsweep", importOptions = ArchitectureTest.MainClasses.class)
class ArchitectureTest {
    /**
     * The main classes only. {@link ImportOption.DoNotIncludeTests} leaves out test class directories, but not
     * evaluators' test jar (search-driver's tests use its fuzzing helpers), which {@code verify} puts on the class path
     * in their place: its test helpers then showed as package cycles of the main code.
     */
    static final class MainClasses implements ImportOption {
        private final ImportOption notTests = new ImportOption.DoNotIncludeTests();

        @Override
        public boolean includes(Location location) {
            return notTests.includes(location) && !location.contains("-tests.jar");
        }
    }

    @ArchTest
    static final ArchRule librariesStayFreeOfSparkAndTheSearch = noClasses()
            .that().resideInAnyPackage("io.bitsweep.hwsim..", "io.bitsweep.eval..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "org.apache.hadoop..",
                    "scala..", "io.bitsweep.search..", "picocli..")
            .because("hw-sim and evaluators are plain libraries, tested and used without a SparkSession");

    @ArchTest
    static final ArchRule hwSimDependsOnNothingOfOurs = noClasses()
            .that().resideInAPackage("io.bitsweep.hwsim..")
            .should().dependOnClassesThat().resideInAnyPackage("io.bitsweep.eval..", "io.bitsweep.search..")
            .because("hw-sim is the model the other modules follow: workloads in, costs out");

    @ArchTest
    static final ArchRule evaluatorsDoNotKnowTheHardware = noClasses()
            .that().resideInAPackage("io.bitsweep.eval..")
            .should().dependOnClassesThat().resideInAPackage("io.bitsweep.hwsim..")
            .because("the model-to-workload bridge lives in search-driver (io.bitsweep.search.hw)");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.bitsweep.(**)").should().beFreeOfCycles();
}
