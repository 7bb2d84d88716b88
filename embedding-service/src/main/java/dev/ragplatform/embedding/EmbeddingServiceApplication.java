package dev.ragplatform.embedding;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class EmbeddingServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(EmbeddingServiceApplication.class, args);
	}

}
