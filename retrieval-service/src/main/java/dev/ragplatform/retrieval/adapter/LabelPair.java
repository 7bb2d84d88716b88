package dev.ragplatform.retrieval.adapter;

import java.util.List;

record LabelPair(String query, List<String> targets) {
}
