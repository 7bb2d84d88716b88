package dev.ragplatform.embedding;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class EmbeddingServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(EmbeddingServiceApplication.class, args);
	}

}
