/**
 * The blog's ORM models: authors write posts, posts have comments. Declared once at module
 * scope (mappers are configured on first use and shared by every request; they hold no
 * connection or per-request state, so sharing them across requests is safe).
 *
 * Tables are prefixed `cfw_` so the example can share a PostgreSQL database with other suites.
 * @module
 */
import { DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, String, Text } from "athanor";

/** The declarative base: `Base.metadata` holds the three tables for `createAll`/`dropAll`. */
export class Base extends DeclarativeBase {}

/** An author; `posts` are loaded eagerly by the routes that need them. */
export class Author extends Base.model("cfw_author", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(100)),
  email: mappedColumn(String(200), { unique: true }),
}) {
  static posts = relationship(() => Post, {
    backPopulates: "author",
    cascade: "all, delete-orphan",
    orderBy: () => Post.id,
  });
  declare posts: Post[];
}

/** A post by one author. */
export class Post extends Base.model("cfw_post", {
  id: mappedColumn(Integer, { primaryKey: true }),
  authorId: mappedColumn(ForeignKey("cfw_author.id"), { name: "author_id", index: true }),
  title: mappedColumn(String(200)),
  body: mappedColumn(Text),
}) {
  static author = relationship(() => Author, { backPopulates: "posts" });
  declare author: Author;
  static comments = relationship(() => Comment, {
    backPopulates: "post",
    cascade: "all, delete-orphan",
    orderBy: () => Comment.id,
  });
  declare comments: Comment[];
}

/** A comment on a post (`authorName` is free text: commenters need no account). */
export class Comment extends Base.model("cfw_comment", {
  id: mappedColumn(Integer, { primaryKey: true }),
  postId: mappedColumn(ForeignKey("cfw_post.id"), { name: "post_id", index: true }),
  authorName: mappedColumn(String(100), { name: "author_name" }),
  body: mappedColumn(Text),
}) {
  static post = relationship(() => Post, { backPopulates: "comments" });
  declare post: Post;
}
