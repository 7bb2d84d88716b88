package dev.ragplatform.retrieval;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class RetrievalServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(RetrievalServiceApplication.class, args);
	}

}
