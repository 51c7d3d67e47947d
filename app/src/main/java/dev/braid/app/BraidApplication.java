package dev.braid.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class BraidApplication {

    public static void main(String[] args) {
        SpringApplication.run(BraidApplication.class, args);
    }
}
