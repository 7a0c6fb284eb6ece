{
    "meta": {
        "coin": "skycoin",
        "cryptoType": "scrypt-chacha20poly1305",
        "encrypted": "false",
        "filename": "corpus.wlt",
        "label": "corpus",
        "tm": "1700000000",
        "type": "collection",
        "version": "0.4"
    },
    "entrie