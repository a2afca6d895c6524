//! Every chunk of the generated corpora takes the chunk decoder's fast path and decodes to
//! exactly what serde makes of it.

use naga_bench::chunking::{Chunking, split};
use naga_bench::corpus;
use naga_bench::ours::chunk_datas;
use naga_protocol::ChatCompletionChunk;

#[test]
fn every_corpus_chunk_takes_the_fast_path_and_equals_serde() {
    for corpus in corpus::all() {
        let chunked = split(&corpus, Chunking::PerEvent);
        let datas = chunk_datas(&chunked.chunks);
        assert_eq!(datas.len(), corpus::CHUNKS, "{}", corpus.name);
        for data in &datas {
            let serde = serde_json::from_str::<ChatCompletionChunk>(data).unwrap();
            let fast = ChatCompletionChunk::from_json_fast_path(data);
            assert_eq!(fast.as_ref(), Some(&serde), "{}: {data:.200}", corpus.name);
            assert_eq!(ChatCompletionChunk::from_json(data).unwrap(), serde, "{}", corpus.name);
        }
    }
}
