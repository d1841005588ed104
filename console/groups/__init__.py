"""Groups: type rules, form cleaning, batching and the local group cache (`domain`), the cache
refresh and member-add job kinds (`jobs`), and the Groups pages (`views`)."""
