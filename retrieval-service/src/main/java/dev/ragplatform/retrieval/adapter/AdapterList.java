package dev.ragplatform.retrieval.adapter;

import java.util.List;

record AdapterList(String collection, String active, List<AdapterView> adapters) {
}
