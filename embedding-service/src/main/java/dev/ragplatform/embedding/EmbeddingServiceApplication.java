package dev.ragplatform.embedding;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class EmbeddingServiceApplication {

	public static void main(String[] args) {
		// DJL must never reach for the network (it would try to download native libraries it already has)
		System.setProperty("ai.djl.offline", "true");
		SpringApplication.run(EmbeddingServiceApplication.class, args);
	}

}
